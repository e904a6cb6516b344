"""Figures of how the verdict moved, month by month (``rescore --history``).

Plain plotly dicts like ``tracker.pages.charts``, drawn by the same charts.js; read
from the cached scoreboard's ``history`` and from a prediction's scores.
"""

from predictions.models import Score, Status
from tracker.pages.charts import MUTED, layout

LEAN_COLOURS = {"undecided": "rgba(110, 119, 129, 0.45)"}


def pace_history_figure(history: dict, sources: list[dict]) -> dict:
    """Each source's median pace at every month-end: 100% is on schedule."""
    figure_layout = layout(y_title="Median pace (100% = on schedule)")
    figure_layout["yaxis"].update(tickformat=".0%", rangemode="tozero")
    figure_layout["xaxis"]["type"] = "date"
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": source["name"],
            "meta": {"source": source["slug"]},
            "x": history["months"],
            "y": history["median_pace"].get(source["slug"], []),
            "connectgaps": False,
            "hovertemplate": "%{x|%Y-%m}: %{y:.0%}<extra>"
            + source["name"]
            + "</extra>",
        }
        for source in sources
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "On schedule",
            "x": [history["months"][0], history["months"][-1]]
            if history["months"]
            else [],
            "y": [1, 1] if history["months"] else [],
            "line": {"color": MUTED, "dash": "dot", "width": 1},
            "hoverinfo": "skip",
        }
    )
    return {"data": data, "layout": figure_layout}


def lean_history_figure(history: dict, sources: list[dict]) -> dict:
    """How many questions leaned each way at every month-end, stacked."""
    figure_layout = layout(y_title="Questions")
    figure_layout.update(barmode="stack")
    figure_layout["xaxis"]["type"] = "date"
    names = {source["slug"]: source["name"] for source in sources}
    data = []
    for side, counts in history["lean_counts"].items():
        trace = {
            "type": "bar",
            "name": f"Lean {names[side]}" if side in names else "Undecided",
            "x": history["months"],
            "y": counts,
            "hovertemplate": "%{x|%Y-%m}: %{y}<extra>%{fullData.name}</extra>",
        }
        if side in names:
            trace["meta"] = {"source": side}
        else:
            trace["marker"] = {"color": LEAN_COLOURS["undecided"]}
        data.append(trace)
    return {"data": data, "layout": figure_layout}


def standing_history_figure(scores: list[Score]) -> dict:
    """A prediction's pace at each scored day, its status in the hover."""
    ordered = sorted(scores, key=lambda score: score.as_of)
    figure_layout = layout(y_title="Pace (100% = on schedule)")
    figure_layout["yaxis"].update(tickformat=".0%")
    figure_layout["xaxis"]["type"] = "date"
    figure_layout.update(height=300, showlegend=False)
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Pace",
                "x": [score.as_of.isoformat() for score in ordered],
                "y": [score.pace_ratio for score in ordered],
                "text": [Status(score.status).label for score in ordered],
                "hovertemplate": "%{x|%Y-%m-%d}: %{y:.0%} (%{text})<extra></extra>",
                "line": {"color": MUTED},
            }
        ],
        "layout": figure_layout,
    }
