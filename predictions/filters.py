"""Query-string filters of the predictions API."""

import django_filters

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


class StatusChangeFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="prediction__source__slug")
    prediction = django_filters.CharFilter(field_name="prediction__slug")

    class Meta:
        model = StatusChange
        fields = ["source", "prediction"]
