"""REST API of indicators, observations (the one writable resource), feeds and runs."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from indicators import record
from indicators.filters import FetchRunFilter, ObservationDateFilter, ObservationFilter
from indicators.models import Feed, FetchRun, Indicator, Observation, Origin
from indicators.serializers import (
    FeedSerializer,
    FetchRunSerializer,
    IndicatorSerializer,
    ObservationInputSerializer,
    ObservationSerializer,
    ObservationWriteResponseSerializer,
    SavedObservation,
)
from tracker.lists import ParentListMixin
from tracker.memo import KeptListMixin
from tracker.pagination import CappedCountPagination
from tracker.parsers import JSONParser
from tracker.renderers import CSVExportMixin

CSV_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="csv: every matching row (not a page), with the record file's columns.",
)


class CanAddObservations(permissions.BasePermission):
    """Anyone reads; writing needs a user with indicators.add_observation."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated) and user.has_perm(
            "indicators.add_observation"
        )


class CanViewModel(permissions.DjangoModelPermissions):
    """Reading needs the model's "view" permission, as in the admin.

    (DRF's own class lets any authenticated user read.) The staff flag alone
    grants nothing: an editor without the feed permission sees no feed here,
    as in the admin.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.with_observation_counts().order_by("name")
    serializer_class = IndicatorSerializer
    lookup_field = "slug"
    filterset_fields = ["category", "scale"]
    search_fields = ["slug", "name", "description"]
    ordering_fields = ["name", "slug", "category"]


class ObservationPagination(CappedCountPagination):
    value_names = ObservationSerializer.VALUE_NAMES
    value_expressions = ObservationSerializer.VALUE_EXPRESSIONS


@extend_schema_view(list=extend_schema(parameters=[CSV_PARAMETER]))
class IndicatorObservationList(
    ParentListMixin, KeptListMixin, CSVExportMixin, generics.ListAPIView
):
    """The observations of one indicator, oldest first."""

    serializer_class = ObservationSerializer
    pagination_class = ObservationPagination
    filterset_class = ObservationDateFilter
    search_fields: list[str] = []
    ordering_fields = ["date", "value"]

    csv_columns = record.OBSERVATION_COLUMNS
    parent_model = Indicator
    parent_field = "indicator_id"

    def get_queryset(self) -> QuerySet[Observation]:
        if getattr(self, "swagger_fake_view", False):
            return Observation.objects.none()
        # The related rows are for the CSV export; a JSON page reads
        # ``.values()`` rows, which ignore them.
        return self.of_parent(
            Observation.objects.select_related("indicator", "superseded_by")
        ).order_by("date", "id")

    def get_export_rows(
        self, observations: Iterable[Observation]
    ) -> Iterable[dict[str, str]]:
        return map(record.observation_to_row, observations)


@extend_schema_view(
    list=extend_schema(parameters=[CSV_PARAMETER]),
    create=extend_schema(
        summary="Record one observation or a list of them",
        description=(
            "Send one object or a list of at most API_MAX_BATCH objects "
            "(500 by default). Each is inserted or updated on its natural key "
            "(indicator, date, source_url). A list is all or nothing: if any "
            "item is invalid, nothing is written and the errors name each item "
            "by its index. Needs a token of a user with the "
            "indicators.add_observation permission."
        ),
        request=PolymorphicProxySerializer(
            component_name="ObservationWrite",
            serializers=[
                ObservationInputSerializer,
                ObservationInputSerializer(many=True),
            ],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: OpenApiResponse(
                ObservationWriteResponseSerializer, "At least one row is new."
            ),
            200: OpenApiResponse(
                ObservationWriteResponseSerializer,
                "Rows were only updated or unchanged.",
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, "Invalid input; nothing written."
            ),
        },
    ),
)
class ObservationViewSet(
    KeptListMixin, CSVExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    # The order of an index (observation_list_order): a page reads its rows
    # straight from it. By slug, each page would sort an indicator's rows.
    queryset = Observation.objects.select_related(
        "indicator", "superseded_by"
    ).order_by("indicator_id", "date", "id")
    serializer_class = ObservationSerializer
    pagination_class = ObservationPagination
    filterset_class = ObservationFilter
    search_fields = ["source_title", "indicator__slug"]
    ordering_fields = ["date", "value", "created_at"]
    parser_classes = [JSONParser]
    permission_classes = [CanAddObservations]

    csv_columns = record.OBSERVATION_COLUMNS

    def get_export_rows(
        self, observations: Iterable[Observation]
    ) -> Iterable[dict[str, str]]:
        return map(record.observation_to_row, observations)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        is_list = check_payload(request.data, limit=settings.API_MAX_BATCH)
        serializer = ObservationInputSerializer(data=request.data, many=is_list)
        if not serializer.is_valid():
            errors = serializer.errors
            # A Response, not ValidationError, which would turn indexes into text.
            body = index_errors(errors) if is_list else errors
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        serializer.save(origin=Origin.API, user=request.user)
        recorded = serializer.instance if is_list else [serializer.instance]
        body = summarize(recorded)
        is_new = body["new"] > 0
        return Response(body, status=status.HTTP_201_CREATED if is_new else 200)


def check_payload(payload: Any, *, limit: int) -> bool:
    """Say whether the body is a list, refusing anything but an object or a list."""
    if isinstance(payload, dict):
        return False
    if not isinstance(payload, list):
        raise ValidationError(
            {"detail": "Send one observation (an object) or a list of them."}
        )
    if not payload:
        raise ValidationError({"detail": "The list is empty."})
    if len(payload) > limit:
        raise ValidationError(
            {
                "detail": f"A list may hold at most {limit} observations "
                f"(API_MAX_BATCH); this one has {len(payload)}."
            }
        )
    return True


def index_errors(errors: list | dict) -> dict[str, Any]:
    """Name each failing item of a list by its index.

    DRF reports a list's item errors either as a list aligned with the items or
    as a dict keyed by index; both become ``{"items": [{"index", "errors"}]}``.
    Errors about the list as a whole (``non_field_errors``) stay as they are.
    """
    if isinstance(errors, list):
        errors = {index: item for index, item in enumerate(errors) if item}
    items = [
        {"index": int(key), "errors": value}
        for key, value in errors.items()
        if str(key).isdigit()
    ]
    rest = {key: value for key, value in errors.items() if not str(key).isdigit()}
    return {**rest, "items": items} if items else rest


def summarize(recorded: list[SavedObservation]) -> dict[str, Any]:
    results = [
        {
            "index": index,
            "id": item.observation.pk,
            "indicator": item.observation.indicator.slug,
            "date": item.observation.date,
            "source_url": item.observation.source_url,
            "result": item.result,
        }
        for index, item in enumerate(recorded)
    ]
    counts = {key: 0 for key in ("new", "changed", "unchanged")}
    for item in recorded:
        counts[item.result] += 1
    return {**counts, "results": results}


class FeedViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Feed.objects.select_related("indicator")
    serializer_class = FeedSerializer
    permission_classes = [CanViewModel]
    filterset_fields = ["is_active", "format"]
    search_fields = ["name", "url"]
    ordering_fields = ["name", "last_run_at", "next_run_at"]


class FetchRunViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = FetchRun.objects.select_related("feed")
    serializer_class = FetchRunSerializer
    permission_classes = [CanViewModel]
    filterset_class = FetchRunFilter
    search_fields = ["error", "feed__name"]
    ordering_fields = ["started_at"]
