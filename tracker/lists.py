"""API lists under one parent row: an indicator's observations, a prediction's
scores."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response


class ParentListMixin:
    """The rows of one parent, named by the ``slug`` in the URL.

    The parent is not read before its rows: the list's own queries pick it in
    a subquery, which PostgreSQL runs once, so a page costs one query fewer
    than a lookup and then the rows. Whether the parent exists is asked only
    when the answer could not tell: a JSON page with no rows, a bad filter
    (an unknown parent is a 404 before it is a 400) and the other formats (a
    CSV export streams its rows after the answer has begun).
    """

    parent_model: type[Model]
    # The rows' foreign key to the parent.
    parent_field: str

    def parent(self) -> QuerySet:
        return self.parent_model._default_manager.filter(slug=self.kwargs["slug"])

    def of_parent(self, rows: QuerySet) -> QuerySet:
        """``rows`` narrowed to the parent's, by a subquery on its slug."""
        return rows.filter(
            **{self.parent_field: Subquery(self.parent().order_by().values("pk"))}
        )

    def check_parent(self) -> None:
        """A 404 if the parent does not exist; asked at most once a request."""
        if not getattr(self, "parent_checked", False):
            get_object_or_404(self.parent().values_list("pk", flat=True))
            self.parent_checked = True

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.accepted_renderer.format != "json":
            self.check_parent()
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        try:
            return super().filter_queryset(queryset)
        except ValidationError:
            self.check_parent()
            raise

    def paginate_queryset(self, queryset: QuerySet) -> Sequence | None:
        page = super().paginate_queryset(queryset)
        if not page:
            self.check_parent()
        return page
