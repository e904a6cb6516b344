"""Query-string filters of the indicators API."""

import django_filters

from indicators.models import FetchRun, Observation


class ObservationDateFilter(django_filters.FilterSet):
    # One range filter named "date" gives date_after and date_before.
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Observation
        fields = ["date"]


class ObservationFilter(ObservationDateFilter):
    indicator = django_filters.CharFilter(field_name="indicator__slug")

    class Meta:
        model = Observation
        fields = ["indicator", "date"]


class FetchRunFilter(django_filters.FilterSet):
    feed = django_filters.NumberFilter(field_name="feed_id")

    class Meta:
        model = FetchRun
        fields = ["feed", "outcome"]
