"""The scoreboard pages: thin views over QuerySets, the cached scoreboard and charts.

Every page costs a fixed number of queries whatever the size of the record:
lists are paginated, and related rows come with ``with_current_score()``.
"""

from collections.abc import Iterable

from django.core.paginator import Paginator
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from indicators.models import Indicator, Observation
from predictions import scoreboard, standings
from predictions.filters import PredictionPageFilter
from predictions.models import Prediction, Question, Source
from predictions.scoring import distributions, holding, lean, likelihood, report_card
from tracker import memo
from tracker.pages import charts, history_charts, summary

PREDICTIONS_PER_PAGE = 50
# The indicator page charts its newest observations (up to
# PAGE_OBSERVATIONS_LIMIT) and tables them a page at a time.
OBSERVATIONS_PER_PAGE = 50
# A prediction page tables its latest scores and observations; the indicator
# page and the API hold the rest.
SCORE_HISTORY_LIMIT = 60
# A page shows at most this many rows of a table that grows with the record
# (a source's predictions, every probability, a report card period); the rest
# are a link away: the paginated predictions list, the API.
LIST_LIMIT = 100
# The report card lists fewer per period: a record has a period per source and
# year of deadline.
REPORT_CARD_ROWS = 50
RECENT_OBSERVATIONS = 50
# A page reads at most this many of an indicator's observations (the newest):
# its cost stays bounded however many there are. The API has all of them.
PAGE_OBSERVATIONS_LIMIT = 10_000


def read_observations(indicator_id: int) -> list[dict]:
    """The newest ``PAGE_OBSERVATIONS_LIMIT`` observations of an indicator,
    oldest first, as the charts read them."""
    return read_observations_of([indicator_id])[indicator_id]


def read_observations_of(indicator_ids: list[int]) -> dict[int, list[dict]]:
    """Each indicator's newest ``PAGE_OBSERVATIONS_LIMIT`` observations, oldest
    first, from one query: a page costs bounded memory whatever the table holds."""
    newest_first = Window(
        RowNumber(),
        partition_by=F("indicator_id"),
        order_by=[F("date").desc(), F("id").desc()],
    )
    rows = (
        Observation.objects.filter(indicator_id__in=indicator_ids)
        .with_is_deciding()
        .annotate(rank=newest_first)
        .filter(rank__lte=PAGE_OBSERVATIONS_LIMIT)
        .order_by("date", "id")
        .values(*charts.OBSERVATION_FIELDS, "is_estimate", "indicator_id")
    )
    grouped: dict[int, list[dict]] = {pk: [] for pk in indicator_ids}
    for row in rows:
        grouped[row["indicator_id"]].append(row)
    return grouped


def home_context(board: dict) -> dict:
    sources = board["sources"]
    return {
        "board": board,
        "verdict": summary.write_verdict(sources),
        "status_rows": summary.status_rows(sources),
        "metric_rows": summary.metric_rows(sources),
        "head_to_head": summary.head_to_head_rows(board),
        "changes": summary.label_changes(board["recent_changes"]),
        "calibrations": [
            {"source": source, "figure": charts.calibration_figure(source)}
            for source in sources
        ],
        "history": _history_figures(board),
        "limit": LIST_LIMIT,
        # Detail URLs are these prefixes plus a slug: one reverse() per page.
        "predictions_url": reverse("prediction-list"),
        "indicators_url": reverse("indicator-detail", args=["x"])[:-2],
    }


def _history_figures(board: dict) -> dict | None:
    history = board.get("history") or {}
    if not history.get("months"):
        return None
    return {
        "months": history["months"],
        "pace": history_charts.pace_history_figure(history, board["sources"]),
        "leans": history_charts.lean_history_figure(history, board["sources"]),
    }


# The pages marked ``@memo.kept_page`` are functions of the record alone (no
# user, no form, no query string), so each process keeps them until the record
# changes (``tracker.memo``): a page costs one small cache read, not several
# hundred template nodes and its queries.


@require_safe
@memo.kept_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tracker/home.html", home_context(scoreboard.get_scoreboard())
    )


class PredictionListView(ListView):
    template_name = "tracker/prediction_list.html"
    context_object_name = "predictions"
    paginate_by = PREDICTIONS_PER_PAGE

    def get_queryset(self) -> QuerySet[Prediction]:
        self.filterset = PredictionPageFilter(
            self.request.GET or None,
            queryset=Prediction.objects.with_current_score(),
        )
        self.form = self.filterset.form
        return self.filterset.qs

    def get_context_data(self, **kwargs) -> dict:
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=self.form, query=query.urlencode(), **kwargs
        )


@require_safe
@memo.kept_page
def prediction_detail(request: HttpRequest, slug: str) -> HttpResponse:
    prediction = get_object_or_404(Prediction.objects.with_current_score(), slug=slug)
    observations = read_observations(prediction.indicator_id)
    scores = list(prediction.scores.latest_first()[:SCORE_HISTORY_LIMIT])
    context = {
        "prediction": prediction,
        "score": prediction.current_score,
        "scores": scores,
        "observations": observations,
        "recent_observations": observations[::-1][:RECENT_OBSERVATIONS],
        "figure": charts.prediction_figure(prediction, observations),
        "standing_figure": (
            history_charts.standing_history_figure(scores)
            if any(score.pace_ratio is not None for score in scores)
            else None
        ),
    }
    return render(request, "tracker/prediction_detail.html", context)


@require_safe
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, slug=slug)
    predictions = list(Prediction.objects.for_indicator(indicator).with_current_score())
    observations = read_observations(indicator.pk)
    # The table pages over the rows already loaded for the chart: no extra query.
    table = Paginator(observations[::-1], OBSERVATIONS_PER_PAGE)
    context = {
        "indicator": indicator,
        "predictions": predictions,
        "observation_page": table.get_page(request.GET.get("page")),
        "has_deciding_value": any(row["is_deciding_row"] for row in observations),
        "figure": charts.indicator_figure(indicator, observations, predictions),
    }
    return render(request, "tracker/indicator_detail.html", context)


@require_safe
@memo.kept_page
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    predictions, more = _first_rows(
        Prediction.objects.filter(source=source).with_current_score()
    )
    board = scoreboard.get_scoreboard()
    record = next((s for s in board["sources"] if s["slug"] == slug), None)
    context = {
        "source": source,
        "predictions": predictions,
        "more_predictions": more,
        "limit": LIST_LIMIT,
        "record": record,
        "status_rows": summary.status_rows([record] if record else []),
        "figure": charts.calibration_figure(record) if record else None,
        "history": _history_figures({**board, "sources": [record] if record else []}),
    }
    return render(request, "tracker/source_detail.html", context)


@require_safe
@memo.kept_page
def report_card_page(request: HttpRequest) -> HttpResponse:
    context = {
        "periods": scoreboard.get_report_card(),
        "method": report_card.METHOD,
        "limit": REPORT_CARD_ROWS,
    }
    return render(request, "tracker/report_card.html", context)


@require_safe
@memo.kept_page
def question_list(request: HttpRequest) -> HttpResponse:
    sides, names = standings.sides_and_names()
    questions = [
        {
            "question": question,
            "lean": standings.lean_of_question(question, sides=sides, names=names),
            "sides": _by_side(question.predictions.all(), sides),
        }
        for question in Question.objects.with_standings()
    ]
    verdict = lean.summarise(
        [item["lean"].side for item in questions], sides=sides, names=names
    )
    context = {"questions": questions, "headline": verdict, "names": names}
    return render(request, "tracker/question_list.html", context)


@require_safe
@memo.kept_page
def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(Question.objects.with_standings(), slug=slug)
    sides, names = standings.sides_and_names()
    predictions = list(question.predictions.all())
    indicators = {p.indicator_id: p.indicator for p in predictions}
    observations = read_observations_of(list(indicators))
    charts_by_indicator = [
        {
            "indicator": indicator,
            "chart_id": f"question-chart-{indicator.slug}",
            "observation_count": len(observations[pk]),
            "figure": charts.indicator_figure(
                indicator,
                observations[pk],
                [p for p in predictions if p.indicator_id == pk],
            ),
        }
        for pk, indicator in indicators.items()
    ]
    history = scoreboard.get_scoreboard().get("history") or {}
    context = {
        "question": question,
        "lean": standings.lean_of_question(question, sides=sides, names=names),
        "sides": _by_side(predictions, sides),
        "charts": charts_by_indicator,
        "lean_history": _lean_changes(
            history.get("months", []),
            history.get("question_leans", {}).get(question.slug, []),
            names,
        ),
    }
    return render(request, "tracker/question_detail.html", context)


def _by_side(predictions: Iterable[Prediction], sides: tuple[str, str]) -> list[dict]:
    """The question's predictions grouped by source, the pair's order first."""
    groups: dict[str, dict] = {}
    for prediction in predictions:
        source = prediction.source
        groups.setdefault(source.slug, {"source": source, "predictions": []})
        groups[source.slug]["predictions"].append(prediction)
    rank = {side: number for number, side in enumerate(sides)}
    return sorted(groups.values(), key=lambda g: rank.get(g["source"].slug, 99))


@require_safe
@memo.kept_page
def methods_page(request: HttpRequest) -> HttpResponse:
    """How every number is made, and each probability with the words or the
    distribution behind it."""
    probabilities = []
    rows, more = _first_rows(Prediction.objects.with_probability())
    for row in rows:
        basis = row["current_score__probability_method"] or row["probability_basis"]
        probabilities.append({**row, "basis": basis, "word": _table_word(basis)})
    context = {
        "words": sorted(likelihood.LIKELIHOOD_WORDS.items(), key=lambda item: item[1]),
        "probabilities": probabilities,
        "more_probabilities": more,
        "limit": LIST_LIMIT,
        "derived_method": distributions.METHOD,
        "report_card_method": report_card.METHOD,
        "lean_method": lean.METHOD,
        "holding_method": holding.METHOD,
    }
    return render(request, "tracker/methods.html", context)


def _first_rows(rows: QuerySet) -> tuple[list, bool]:
    """The first ``LIST_LIMIT`` rows, and whether more follow (one query: it
    reads one row beyond)."""
    shown = list(rows[: LIST_LIMIT + 1])
    return shown[:LIST_LIMIT], len(shown) > LIST_LIMIT


def _table_word(basis: str) -> dict | None:
    phrases = likelihood.phrases_in(basis or "")
    if not phrases:
        return None
    return {
        "word": phrases[0],
        "probability": likelihood.implied_probability(phrases[0]),
    }


def _lean_changes(
    months: list[str], leans: list[str | None], names: dict[str, str]
) -> list[dict]:
    """The month-ends where a question's lean changed, starting with the first."""
    changes, previous = [], object()
    for month, side in zip(months, leans, strict=False):
        if side != previous:
            label = f"leans {names.get(side, side)}" if side else "undecided"
            changes.append({"month": month, "side": side, "label": label})
            previous = side
    return changes
