"""The one pagination of the API: pages of 50, up to 200 on request."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ValuesPaginator(Paginator):
    """Counts the model queryset as it is, and reads the page as ``.values()`` rows.

    The count joins only what the filters need. The page's rows are picked in a
    subquery on the model's own table, so the joins (scores have a row per day)
    touch one page of rows, not every row before the sort; and no model
    instances are built.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, names: tuple) -> None:
        super().__init__(object_list, per_page)
        self.names = names

    def _get_page(self, object_list: QuerySet, *args: Any, **kwargs: Any) -> Any:
        rows = object_list.model._default_manager.filter(
            pk__in=object_list.values("pk")
        )
        if object_list.query.order_by:
            rows = rows.order_by(*object_list.query.order_by)
        return super()._get_page(rows.values(*self.names), *args, **kwargs)


class ValuesPagination(PageNumberPagination):
    """Pages of ``.values(*value_names)`` rows; subclasses name the columns."""

    value_names: tuple[str, ...] = ()

    def django_paginator_class(self, queryset: QuerySet, page_size: int) -> Paginator:
        return ValuesPaginator(queryset, page_size, names=self.value_names)
