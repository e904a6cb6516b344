// Choosing the indicator on an add form not yet filled in reloads the form
// with it, so that its unit, range, latest value and source show.
window.addEventListener("load", function () {
  const jQuery = window.django && window.django.jQuery;
  const value = document.getElementById("id_value");
  if (!jQuery || !value) {
    return;
  }
  const summary = document.getElementById("indicator-summary");
  const shown = summary ? summary.dataset.indicator : "";
  // The admin triggers "change" on every related field once loaded: only a
  // choice other than the indicator shown reloads.
  jQuery("#id_indicator").on("change", function () {
    if (!this.value || this.value === shown || value.value !== "") {
      return;
    }
    const url = new URL(window.location.href);
    url.searchParams.set("indicator", this.value);
    window.location.assign(url);
  });
});
