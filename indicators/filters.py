"""Query-string filters of the indicators API."""

import django_filters

from indicators.models import FetchRun, Observation, Tier


class ObservationDateFilter(django_filters.FilterSet):
    # One range filter named "date" gives date_after and date_before.
    date = django_filters.DateFromToRangeFilter()
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    is_deciding = django_filters.BooleanFilter(
        method="filter_deciding", label="Only values that may decide (or only not)"
    )

    class Meta:
        model = Observation
        fields = ["date", "tier"]

    def filter_deciding(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        deciding = queryset.deciding()
        return deciding if value else queryset.exclude(pk__in=deciding.values("pk"))


class ObservationFilter(ObservationDateFilter):
    indicator = django_filters.CharFilter(field_name="indicator__slug")

    class Meta:
        model = Observation
        fields = ["indicator", "date", "tier"]


class FetchRunFilter(django_filters.FilterSet):
    feed = django_filters.NumberFilter(field_name="feed_id")

    class Meta:
        model = FetchRun
        fields = ["feed", "outcome"]
