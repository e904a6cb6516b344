"""Query-string filters of the predictions API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from indicators.models import Category, Indicator
from predictions.models import Kind, Prediction, Source, Status, StatusChange


class PredictionFilterForm(forms.Form):
    """The rules across fields of the prediction filters."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("deadline_after"), data.get("deadline_before")
        if start and end and start > end:
            self.add_error(
                "deadline_before", "The end of the range is before its start."
            )
        return data


class DateInput(forms.DateInput):
    input_type = "date"


class PredictionFilter(django_filters.FilterSet):
    """The filters of the predictions API; the page's list reads the same ones
    (``PredictionPageFilter``)."""

    source = django_filters.CharFilter(field_name="source__slug")
    indicator = django_filters.CharFilter(field_name="indicator__slug")
    status = django_filters.ChoiceFilter(
        field_name="current_score__status",
        choices=Status.choices,
        empty_label="Any status",
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Any kind")
    category = django_filters.ChoiceFilter(
        choices=Category.choices, empty_label="Any category"
    )
    deadline_after = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", widget=DateInput
    )
    deadline_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Prediction
        fields = [
            "source",
            "indicator",
            "status",
            "kind",
            "category",
            "deadline_after",
            "deadline_before",
        ]
        form = PredictionFilterForm


# The predictions page's orders: the label, then the columns.
PAGE_SORTS = {
    "deadline": ("Deadline, soonest first", ["deadline", "slug"]),
    "-deadline": ("Deadline, latest first", ["-deadline", "slug"]),
    "source": ("Source", ["source__published", "source__slug", "deadline", "slug"]),
    "status": ("Status", ["current_score__status", "deadline", "slug"]),
    "pace": (
        "Pace, fastest first",
        [F("current_score__pace_ratio").desc(nulls_last=True), "slug"],
    ),
}


class PredictionPageFilter(PredictionFilter):
    """The API's filters (the same parameters and rules) with a source and an
    indicator chosen from lists, and a sort."""

    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.all(), to_field_name="slug", empty_label="All sources"
    )
    indicator = django_filters.ModelChoiceFilter(
        queryset=Indicator.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All indicators",
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in PAGE_SORTS.items()],
        empty_label=None,
        method="sort_by",
    )

    class Meta(PredictionFilter.Meta):
        fields = [*PredictionFilter.Meta.fields, "sort"]

    def sort_by(self, predictions: QuerySet, name: str, key: str) -> QuerySet:
        return predictions.order_by(*PAGE_SORTS[key][1])

    @property
    def qs(self) -> QuerySet:
        """Nothing when a filter is wrong (the page says why), and the soonest
        deadline first unless a sort is chosen."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        predictions = super().qs
        if not (self.is_bound and self.form.cleaned_data.get("sort")):
            predictions = predictions.order_by(*PAGE_SORTS["deadline"][1])
        return predictions


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
