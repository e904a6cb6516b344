"""Plotly figures as plain dicts (data + layout), rendered by static/tracker/charts.js.

Plain dicts rather than ``plotly.graph_objects``: validation there costs
milliseconds per figure, and the pages only need JSON. Traces that belong to a
source carry ``meta.source`` (its slug); charts.js colours them from the CSS
variable ``--source-<slug>``, so a source has one colour, defined once, in CSS.

A prediction's path is the straight line from (baseline_date, baseline_value)
to (deadline, target) on the indicator's scale: with a log y axis, plotly draws
the two-point line straight in log space, which is the geometric path the
scoring uses.
"""

import datetime
import math

from indicators.models import Indicator, Scale
from predictions.models import Prediction, Score

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif"
INK = "#1f2328"
MUTED = "#6e7781"
BAND = "rgba(110, 119, 129, 0.18)"
# Beyond this many observations a chart shows an even sample (the tables list
# every one): a browser draws 2,000 SVG points smoothly, not 20,000.
CHART_POINT_LIMIT = 2000
# What a chart needs of an observation, read with .values() (no model objects).
OBSERVATION_FIELDS = (
    "id",
    "date",
    "value",
    "low",
    "high",
    "source_title",
    "source_url",
    "tier",
    "published_on",
    "is_deciding_row",
)


def layout(*, y_title: str, y_log: bool = False, x_title: str = "") -> dict:
    return {
        "font": {"family": FONT, "size": 13, "color": INK},
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "height": 380,
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.18},
        "xaxis": {"title": {"text": x_title}, "automargin": True},
        "yaxis": {
            "title": {"text": y_title},
            "type": "log" if y_log else "linear",
            "automargin": True,
        },
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }


def log_ticks(values: list[float]) -> list[float]:
    """Ticks at 1, 2 and 5 of each decade the values span (only 1 over a wide
    span): plotly's own log ticks label bare digits that read ambiguously."""
    positive = [v for v in values if v is not None and v > 0]
    if not positive:
        return []
    low, high = min(positive), max(positive)
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    steps = (1,) if len(decades) > 4 else (1, 2, 5)
    return [
        step * 10.0**decade
        for decade in decades
        for step in steps
        if low / 2 <= step * 10.0**decade <= high * 2
    ]


def set_log_ticks(figure: dict) -> dict:
    """Explicit ticks on a log y axis, from every value the figure draws."""
    axis = figure["layout"]["yaxis"]
    if axis["type"] == "log":
        values = [y for trace in figure["data"] for y in trace.get("y", [])]
        axis.update(tickmode="array", tickvals=log_ticks(values), tickformat="~g")
    return figure


# With one date (or a few days) plotly zooms to milliseconds: pad to months.
DATE_PADDING = datetime.timedelta(days=45)
LONE_DATE_PADDING = datetime.timedelta(days=183)


def set_date_range(figure: dict) -> dict:
    """A date x axis spanning every date the figure draws, padded, so one
    observation still sits on an axis of months."""
    days = [
        datetime.date.fromisoformat(str(x)[:10])
        for trace in figure["data"]
        for x in trace.get("x", [])
        if x is not None
    ]
    axis = figure["layout"]["xaxis"]
    axis["type"] = "date"
    if days:
        low, high = min(days), max(days)
        pad = LONE_DATE_PADDING if (high - low).days < 60 else DATE_PADDING
        axis["range"] = [(low - pad).isoformat(), (high + pad).isoformat()]
    return figure


def path_target(prediction: Prediction, scale: str) -> float | None:
    """The value the path aims at: the target, or the interval's midpoint on the
    indicator's scale (geometric on a log scale), as ``predictions.scoring``."""
    low, high = prediction.target_low, prediction.target_high
    if prediction.target is not None or low is None or high is None:
        return prediction.target
    if scale == Scale.LOG and low > 0:
        return math.sqrt(low * high)
    return (low + high) / 2


def thin_out(rows: list[dict], limit: int = CHART_POINT_LIMIT) -> list[dict]:
    """At most ``limit`` evenly spaced rows, always keeping the latest one."""
    if len(rows) <= limit:
        return rows
    step = len(rows) / (limit - 1)
    return [rows[int(i * step)] for i in range(limit - 1)] + [rows[-1]]


def observation_traces(observations: list[dict]) -> list[dict]:
    """Deciding values as the observed line; the others as grey points beside."""
    deciding = [o for o in observations if o["is_deciding_row"]]
    others = [o for o in observations if not o["is_deciding_row"]]
    traces = [observation_trace(deciding)]
    if others:
        grey = observation_trace(others)
        grey.update(
            mode="markers",
            name="Does not decide (aggregator or superseded)",
            marker={"color": MUTED, "size": 6, "symbol": "circle-open"},
        )
        traces.append(grey)
    return traces


def observation_trace(observations: list[dict]) -> dict:
    """Observed values; hover names the source, a click opens it (customdata)."""
    rows = thin_out(observations)
    has_range = any(o["low"] is not None or o["high"] is not None for o in rows)
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Observed",
        "x": [o["date"].isoformat() for o in rows],
        "y": [o["value"] for o in rows],
        "hovertext": [o["source_title"] for o in rows],
        "customdata": [o["source_url"] for o in rows],
        "hovertemplate": "%{x|%Y-%m-%d}: %{y}<br>%{hovertext}<extra></extra>",
        "line": {"color": INK, "width": 1},
        "marker": {"color": INK, "size": 7},
    }
    if has_range:
        trace["error_y"] = {
            "type": "data",
            "symmetric": False,
            "array": [
                o["high"] - o["value"] if o["high"] is not None else 0 for o in rows
            ],
            "arrayminus": [
                o["value"] - o["low"] if o["low"] is not None else 0 for o in rows
            ],
            "color": MUTED,
        }
    return trace


def direction_trace(
    prediction: Prediction, last: dict | None, *, label: str = ""
) -> list[dict]:
    """A trend claim states a direction, not a value: an arrow at its deadline,
    at the latest observed level (or at the baseline), pointing the claimed way."""
    level = last["value"] if last else prediction.baseline_value
    if level is None:
        return []
    rising = prediction.comparison in ("gte", "not_lte")
    name = label or "Predicted direction"
    words = "rises" if rising else "falls"
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"{name}: {words} by the deadline",
            "meta": {"source": prediction.source.slug},
            "x": [prediction.deadline.isoformat()],
            "y": [level],
            "marker": {
                "symbol": "triangle-up" if rising else "triangle-down",
                "size": 14,
            },
            "hovertemplate": f"{words} by %{{x|%Y-%m-%d}}<extra>{name}</extra>",
        }
    ]


def path_traces(
    prediction: Prediction, scale: str, *, label: str = "", last: dict | None = None
) -> list[dict]:
    """The predicted path from baseline to target, and the target at the deadline;
    for a trend claim, its direction (``direction_trace``)."""
    target = path_target(prediction, scale)
    meta = {"source": prediction.source.slug}
    name = label or "Predicted path"
    if target is None and prediction.kind == "trend":
        return direction_trace(prediction, last, label=label)
    traces = []
    has_baseline = (
        prediction.baseline_value is not None and prediction.baseline_date is not None
    )
    if target is not None and has_baseline:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "meta": meta,
                "x": [
                    prediction.baseline_date.isoformat(),
                    prediction.deadline.isoformat(),
                ],
                "y": [prediction.baseline_value, target],
                "line": {"dash": "dash", "width": 2},
                "hovertemplate": "%{x|%Y-%m-%d}: %{y}<extra>" + name + "</extra>",
            }
        )
    if target is not None:
        marker = {
            "type": "scatter",
            "mode": "markers",
            "name": f"{name}: target",
            "meta": meta,
            "showlegend": not traces,
            "x": [prediction.deadline.isoformat()],
            "y": [target],
            "marker": {"symbol": "diamond", "size": 11},
            "hovertemplate": "target %{y} by %{x|%Y-%m-%d}<extra></extra>",
        }
        if prediction.target_low is not None and prediction.target_high is not None:
            marker["error_y"] = {
                "type": "data",
                "symmetric": False,
                "array": [prediction.target_high - target],
                "arrayminus": [target - prediction.target_low],
            }
        traces.append(marker)
    return traces


def projection_traces(
    prediction: Prediction, score: Score | None, last: dict | None
) -> list[dict]:
    """The trend projection at the deadline with its 90% band, drawn from the
    latest observation (a simplification of the fitted line's fan)."""
    if score is None or score.projection_value is None or last is None:
        return []
    start, end = last["date"].isoformat(), prediction.deadline.isoformat()
    traces = []
    if score.projection_low is not None and score.projection_high is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Trend: 90% band",
                "x": [start, end, end, start],
                "y": [
                    last["value"],
                    score.projection_high,
                    score.projection_low,
                    last["value"],
                ],
                "fill": "toself",
                "fillcolor": BAND,
                "line": {"width": 0},
                "hoverinfo": "skip",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Trend projection",
            "x": [start, end],
            "y": [last["value"], score.projection_value],
            "line": {"color": MUTED, "dash": "dot", "width": 2},
            "marker": {"color": MUTED, "size": [0, 8]},
            "hovertemplate": "projected %{y} on %{x|%Y-%m-%d}<extra></extra>",
        }
    )
    return traces


def deadline_marks(deadline_iso: str) -> tuple[list[dict], list[dict]]:
    shape = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": deadline_iso,
        "x1": deadline_iso,
        "y0": 0,
        "y1": 1,
        "line": {"color": MUTED, "width": 1, "dash": "dot"},
    }
    note = {
        "x": deadline_iso,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "text": "deadline",
        "showarrow": False,
        "xanchor": "right",
        "yanchor": "top",
        "font": {"color": MUTED, "size": 11},
    }
    return [shape], [note]


def prediction_figure(prediction: Prediction, observations: list[dict]) -> dict:
    indicator = prediction.indicator
    deciding = [o for o in observations if o["is_deciding_row"]]
    last = deciding[-1] if deciding else None
    figure_layout = layout(y_title=indicator.unit, y_log=indicator.scale == Scale.LOG)
    shapes, notes = deadline_marks(prediction.deadline.isoformat())
    figure_layout.update(shapes=shapes, annotations=notes)
    data = [
        *projection_traces(prediction, prediction.current_score, last),
        *observation_traces(observations),
        *path_traces(prediction, indicator.scale, last=last),
    ]
    return set_date_range(set_log_ticks({"data": data, "layout": figure_layout}))


def indicator_figure(
    indicator: Indicator,
    observations: list[dict],
    predictions: list[Prediction],
) -> dict:
    data = observation_traces(observations)
    deciding = [o for o in observations if o["is_deciding_row"]]
    last = deciding[-1] if deciding else None
    for prediction in predictions:
        label = f"{prediction.source.name}: {prediction.slug}"
        data.extend(path_traces(prediction, indicator.scale, label=label, last=last))
    figure_layout = layout(y_title=indicator.unit, y_log=indicator.scale == Scale.LOG)
    return set_date_range(set_log_ticks({"data": data, "layout": figure_layout}))


def calibration_figure(source: dict) -> dict:
    """Observed frequency against stated probability, one point per bin."""
    bins = source.get("calibration") or []
    figure_layout = layout(y_title="Share that came true", x_title="Stated probability")
    figure_layout.update(height=300, showlegend=False)
    # A little beyond 0 and 1, so that points at 0% and 100% show whole.
    figure_layout["xaxis"].update(range=[-0.04, 1.04], tickformat=".0%")
    figure_layout["yaxis"].update(range=[-0.06, 1.06], tickformat=".0%")
    diagonal = {
        "type": "scatter",
        "mode": "lines",
        "name": "Perfect calibration",
        "x": [0, 1],
        "y": [0, 1],
        "line": {"color": MUTED, "dash": "dot", "width": 1},
        "hoverinfo": "skip",
    }
    points = {
        "type": "scatter",
        "mode": "markers",
        "name": source["name"],
        "meta": {"source": source["slug"]},
        "x": [b["mean_forecast"] for b in bins],
        "y": [b["observed_rate"] for b in bins],
        "customdata": [b["count"] for b in bins],
        "marker": {"size": [8 + 2 * min(b["count"], 10) for b in bins]},
        "hovertemplate": "stated %{x:.0%}, came true %{y:.0%}"
        " (%{customdata} predictions)<extra></extra>",
    }
    return {"data": [diagonal, points], "layout": figure_layout}
