"""REST API of sources, predictions, scores, status changes and the scoreboard.

Read-only: predictions change through the record, the admin and rescoring.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from predictions import record, scoreboard, standings
from predictions.filters import (
    PredictionFilter,
    PredictionOrdering,
    StatusChangeFilter,
)
from predictions.models import Prediction, Question, Score, Source, StatusChange
from predictions.report_serializers import (
    HeadToHeadSerializer,
    ReportCardRowQuery,
    ReportCardSerializer,
    ScoreboardSerializer,
    SourcedCalibrationPointSerializer,
    SourcedReportCardRowSerializer,
)
from predictions.scoring import report_card
from predictions.serializers import (
    PredictionSerializer,
    QuestionSerializer,
    ScoreSerializer,
    SourceSerializer,
    StatusChangeSerializer,
)
from tracker.filters import FilterBackend
from tracker.lists import ParentListMixin
from tracker.memo import RESPONSES, KeptListMixin
from tracker.pagination import ValuesPagination
from tracker.renderers import CSVExportMixin, FastJSONRenderer
from tracker.throttling import AnonRateThrottle

CSV_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="csv: every matching row (not a page), with the record file's columns.",
)


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    lookup_field = "slug"
    search_fields = ["slug", "name", "authors"]
    ordering_fields = ["published", "slug"]


class PredictionPagination(ValuesPagination):
    value_names = PredictionSerializer.VALUE_NAMES


@extend_schema_view(list=extend_schema(parameters=[CSV_PARAMETER]))
class PredictionViewSet(KeptListMixin, CSVExportMixin, viewsets.ReadOnlyModelViewSet):
    """Predictions with their citation and latest score.

    Pages are read as ``.values()`` rows (see ``PredictionSerializer``), and
    their JSON is kept per process until the record changes (``tracker.memo``).
    """

    serializer_class = PredictionSerializer
    pagination_class = PredictionPagination
    lookup_field = "slug"
    filterset_class = PredictionFilter
    filter_backends = [FilterBackend, SearchFilter, PredictionOrdering]
    search_fields = ["slug", "claim", "citation_section", "citation_url"]
    ordering_fields = ["deadline", "slug", "pace"]
    csv_columns = record.PREDICTION_FIELDS

    def get_queryset(self) -> QuerySet:
        predictions = Prediction.objects.with_current_score().order_by(
            "deadline", "slug"
        )
        if self.action == "retrieve":
            return predictions.values(*PredictionSerializer.VALUE_NAMES)
        return predictions

    def get_export_rows(
        self, predictions: Iterable[Prediction]
    ) -> Iterable[dict[str, Any]]:
        return map(record.prediction_to_dict, predictions)


class PredictionScoreList(ParentListMixin, KeptListMixin, generics.ListAPIView):
    """A prediction's score history, newest first."""

    serializer_class = ScoreSerializer
    filter_backends: list = []
    parent_model = Prediction
    parent_field = "prediction_id"

    def get_queryset(self) -> QuerySet[Score]:
        if getattr(self, "swagger_fake_view", False):
            return Score.objects.none()
        return self.of_parent(Score.objects.latest_first())


class StatusChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """Status changes of predictions, newest first."""

    queryset = StatusChange.objects.select_related("prediction__source").order_by(
        "-occurred_at", "-id"
    )
    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilter
    search_fields: list[str] = []
    ordering_fields: list[str] = []


class PublicReport:
    """The same public report for everyone, in JSON: no authentication (and
    no session or token lookup) and one throttle by client address."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    renderer_classes = [FastJSONRenderer]


class ScoreboardView(PublicReport, APIView):
    """Both sources head to head: the cached scoreboard, served as it is.

    The body is kept in the process until the record changes (``tracker.memo``).
    """

    @extend_schema(responses=ScoreboardSerializer)
    def get(self, request: Request) -> HttpResponse:
        body = RESPONSES.get_or_render("api:scoreboard", scoreboard.get_scoreboard_json)
        return HttpResponse(body, content_type="application/json")


class ReportRowList(PublicReport, KeptListMixin, generics.ListAPIView):
    """Every row of one of a cached report's long lists, in pages (no query)."""

    filter_backends: list = []


class ScoreboardRowList(ReportRowList):
    """Every row of one of the scoreboard's lists, read from the cached
    scoreboard."""

    def get_queryset(self) -> list[dict]:
        return self.rows(scoreboard.get_scoreboard())

    def rows(self, board: dict) -> list[dict]:
        raise NotImplementedError


class HeadToHeadList(ScoreboardRowList):
    """Every indicator both sources predict, with each side's mean standing."""

    serializer_class = HeadToHeadSerializer

    def rows(self, board: dict) -> list[dict]:
        return board["head_to_head"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("source", str, description="One source's points only.")
        ]
    )
)
class CalibrationPointList(ScoreboardRowList):
    """Every resolved prediction with a probability: what it said, what happened."""

    serializer_class = SourcedCalibrationPointSerializer

    def rows(self, board: dict) -> list[dict]:
        return scoreboard.calibration_points(
            board, source=self.request.query_params.get("source")
        )


class ReportCardView(APIView):
    """How far the world got along each source's predicted paths, per year of
    deadline: the median share and the rows it is the median of (the first
    ``API_ROWS`` of each period; every row is paged at report-card/rows/)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ReportCardSerializer)
    def get(self, request: Request) -> Response:
        periods = scoreboard.get_report_card()
        return Response(
            {
                "method": report_card.METHOD,
                "not_graded_reasons": report_card.NOT_GRADED,
                "periods": [
                    standings.period_to_dict(period, rows=scoreboard.API_ROWS)
                    for period in periods
                ],
            }
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("source", str, description="One source's rows only."),
            OpenApiParameter("year", int, description="One year of deadline only."),
        ]
    )
)
class ReportCardRowList(ReportRowList):
    """Every graded row of the report card, each with its source and year of
    deadline, read from the cached report card."""

    serializer_class = SourcedReportCardRowSerializer

    def get_queryset(self) -> list[dict]:
        query = ReportCardRowQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        source = query.validated_data.get("source")
        year = query.validated_data.get("year")
        return [
            {**row, "source": period.source, "year": period.year}
            for period in scoreboard.get_report_card()
            if source in (None, period.source) and year in (None, period.year)
            for row in period.rows
        ]


class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Where the sources disagree: each question's claims and its lean now."""

    serializer_class = QuestionSerializer
    lookup_field = "slug"
    search_fields = ["slug", "title", "quantity"]
    ordering_fields = ["slug"]

    def get_queryset(self) -> QuerySet[Question]:
        return Question.objects.with_standings().order_by("slug")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["sides"], context["names"] = standings.sides_and_names()
        return context
