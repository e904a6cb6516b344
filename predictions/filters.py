"""Query-string filters of the predictions API."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from indicators.models import Category
from predictions.models import Kind, Prediction, Status, StatusChange


class PredictionFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source__slug")
    indicator = django_filters.CharFilter(field_name="indicator__slug")
    status = django_filters.ChoiceFilter(
        field_name="current_score__status", choices=Status.choices
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    # One range filter named "deadline" gives deadline_after and deadline_before.
    deadline = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Prediction
        fields = ["source", "indicator", "status", "kind", "category", "deadline"]


def query_parameters(filterset: type[django_filters.FilterSet]) -> frozenset[str]:
    """The query parameters a FilterSet reads; a range filter reads two."""
    names = set()
    for name, filter_ in filterset.base_filters.items():
        suffixes = getattr(filter_.field.widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" for suffix in suffixes)
        else:
            names.add(name)
    return frozenset(names)


class PredictionFilterBackend(DjangoFilterBackend):
    """Skips building the FilterSet (a deep copy of every filter) when no filter
    parameter is given: the common case of a plain page."""

    PARAMETERS = query_parameters(PredictionFilter)

    def filter_queryset(
        self, request: Request, queryset: QuerySet, view: Any
    ) -> QuerySet:
        if self.PARAMETERS.isdisjoint(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StatusChangeFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="prediction__source__slug")
    prediction = django_filters.CharFilter(field_name="prediction__slug")

    class Meta:
        model = StatusChange
        fields = ["source", "prediction"]


class PredictionOrdering(OrderingFilter):
    """``ordering=deadline|slug|pace``; the slug breaks ties so pages stay stable.

    "pace" names the current score's pace ratio without an annotation, which
    would add a join to every count.
    """

    COLUMNS = {
        "deadline": "deadline",
        "slug": "slug",
        "pace": "current_score__pace_ratio",
    }

    def filter_queryset(
        self, request: Request, queryset: QuerySet, view: Any
    ) -> QuerySet:
        terms = self.get_ordering(request, queryset, view)
        if not terms:
            return queryset
        columns = [
            ("-" if term.startswith("-") else "") + self.COLUMNS[term.lstrip("-")]
            for term in terms
        ]
        if not any(term.lstrip("-") == "slug" for term in terms):
            columns.append("slug")
        return queryset.order_by(*columns)
