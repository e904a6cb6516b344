/* Draws every [data-chart] element from the JSON figure next to it.
   Traces that belong to a source carry meta.source; their colour comes from the
   CSS variable --source-<slug>, so a source has the same colour everywhere. */
(function () {
  "use strict";
  var style = getComputedStyle(document.documentElement);

  function sourceColour(slug) {
    var colour = style.getPropertyValue("--source-" + slug).trim();
    return colour || style.getPropertyValue("--source-other").trim();
  }

  function paint(trace) {
    var slug = trace.meta && trace.meta.source;
    if (!slug) return;
    var colour = sourceColour(slug);
    trace.line = Object.assign({}, trace.line, { color: colour });
    trace.marker = Object.assign({}, trace.marker, { color: colour });
    if (trace.error_y) trace.error_y.color = colour;
  }

  function openSource(event) {
    var point = event.points && event.points[0];
    var url = point && point.customdata;
    if (typeof url === "string" && /^https?:\/\//.test(url)) {
      window.open(url, "_blank", "noopener");
    }
  }

  function draw(element) {
    var script = document.getElementById(element.dataset.chart);
    if (!script) return;
    var figure = JSON.parse(script.textContent);
    figure.data.forEach(paint);
    Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    }).then(function () {
      element.on("plotly_click", openSource);
    });
  }

  if (window.Plotly) {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }
})();
