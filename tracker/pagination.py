"""The one pagination of the API: pages of 50, up to 200 on request."""

import math
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from rest_framework import pagination

# A list counts its matching rows up to this many; past it, ``count`` is null.
COUNT_LIMIT = 1_000


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class RowsFirstPaginator(Paginator):
    """Reads a page's rows (and one more) before anything is counted.

    A page that ends the list then gives the count itself, its offset plus its
    rows, so a list that fits one page costs one query; a page with a row
    after it leaves the count to ``count``, read when the answer needs it.
    """

    def rows(self) -> QuerySet:
        """The rows to page through, as ``.values()`` dicts."""
        raise NotImplementedError

    def counted(self, count: int) -> int | None:
        """The count as the list reports it."""
        return count

    def validate_number(self, number: Any) -> int:
        """A whole number from 1: whether the page exists, its rows say."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.rows()[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        more = len(rows) > self.per_page
        if not more and "count" not in self.__dict__:
            # The last page: every row is before its end (the cached count).
            self.__dict__["count"] = self.counted(bottom + len(rows))
        return RowsPage(rows[: self.per_page], number, self, more=more)


class ValuesPaginator(RowsFirstPaginator):
    """Counts the model queryset as it is, and reads the page as ``.values()`` rows.

    The count joins only what the filters need. The page's rows are picked in a
    subquery on the model's own table, so the joins (scores have a row per day)
    touch one page of rows, not every row before the sort; and no model
    instances are built.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, names: tuple) -> None:
        super().__init__(object_list, per_page)
        self.names = names

    def rows(self) -> QuerySet:
        queryset = self.object_list
        rows = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
        if queryset.query.order_by:
            rows = rows.order_by(*queryset.query.order_by)
        return rows.values(*self.names)


class ValuesPagination(PageNumberPagination):
    """Pages of ``.values(*value_names)`` rows; subclasses name the columns."""

    value_names: tuple[str, ...] = ()

    def django_paginator_class(self, queryset: QuerySet, page_size: int) -> Paginator:
        return ValuesPaginator(queryset, page_size, names=self.value_names)


class CappedCountPaginator(RowsFirstPaginator):
    """Counts at most ``limit`` rows, and reads each page as ``.values()`` rows.

    Counting every matching row costs about as much as reading them all (tens
    of milliseconds at a million observations); counting up to the limit reads
    a thousand index entries. Past the limit ``count`` is None, and a page reads
    one row beyond its end to know whether another follows, so its links never
    need the count.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        names: tuple,
        expressions: dict,
        limit: int,
    ) -> None:
        super().__init__(object_list, per_page)
        self.names = names
        self.expressions = expressions
        self.limit = limit

    def rows(self) -> QuerySet:
        return self.object_list.values(*self.names, **self.expressions)

    def counted(self, count: int) -> int | None:
        return count if count <= self.limit else None

    @cached_property
    def count(self) -> int | None:
        # Unordered: ordered, PostgreSQL would sort every matching row (all
        # of an indicator's, say) to find the first ``limit`` of them.
        return self.counted(self.object_list.order_by()[: self.limit + 1].count())

    @cached_property
    def num_pages(self) -> float:
        """Infinite while the count is unknown: more pages than the limit covers."""
        return math.inf if self.count is None else super().num_pages


class RowsPage(Page):
    """A page that knows whether a row follows it, without the count."""

    def __init__(self, rows: list, number: int, paginator: Paginator, *, more: bool):
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedCountPagination(PageNumberPagination):
    """Pages of ``.values(*value_names, **value_expressions)`` rows with a count
    capped at ``COUNT_LIMIT``, for lists that grow without bound (observations)."""

    value_names: tuple[str, ...] = ()
    value_expressions: dict[str, Any] = {}
    # No "last" page and no numbered controls: the last page may be unknown.
    last_page_strings = ()
    template = None

    def django_paginator_class(self, queryset: QuerySet, page_size: int) -> Paginator:
        return CappedCountPaginator(
            queryset,
            page_size,
            names=self.value_names,
            expressions=self.value_expressions,
            limit=COUNT_LIMIT,
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": f"The number of matching rows, or null when there are "
            f"more than {COUNT_LIMIT:,}: follow `next` to the end.",
        }
        return response
