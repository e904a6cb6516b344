"""The API's filter backend: django-filter's, skipped when no filter is asked for."""

from functools import cache
from typing import Any

from django.db.models import QuerySet
from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request


@cache
def parameters_of(filterset_class: type[FilterSet]) -> frozenset[str]:
    """The query parameters a FilterSet reads: a range filter named ``date``
    reads ``date_after`` and ``date_before``."""
    names = set()
    for name, declared in filterset_class.base_filters.items():
        suffixes = getattr(declared.field.widget, "suffixes", None)
        names |= {f"{name}_{s}" if s else name for s in suffixes or [""]}
    return frozenset(names)


class FilterBackend(DjangoFilterBackend):
    """Builds the FilterSet (a deep copy of every filter and a form) only when
    the query names one of its parameters: a plain page, the common request,
    is left as it is, which is what an empty FilterSet would do too."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet, view: Any
    ) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or parameters_of(filterset_class).isdisjoint(
            request.query_params
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
