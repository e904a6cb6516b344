"""The Atom feed of status changes: a prediction came true, fell behind, ..."""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from predictions.models import StatusChange
from tracker.pages.summary import status_label

FEED_LENGTH = 50


class TextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text.

    Django writes summaries as ``type="html"``, so a reader would render the
    markup in a claim; here a claim is text, whatever characters it holds.
    """

    def add_item_elements(self, handler, item) -> None:
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            handler.addQuickElement("summary", summary, {"type": "text"})


class StatusChangeFeed(Feed):
    feed_type = TextAtom1Feed
    title = "Forecast tracker: status changes"
    subtitle = (
        "Every time a prediction of AI 2027 or Lambert's rebuttal changes status: "
        "resolved, ahead, on track or behind."
    )

    def link(self) -> str:
        return reverse("home")

    def items(self) -> QuerySet[StatusChange]:
        return StatusChange.objects.select_related(
            "prediction", "prediction__source"
        ).order_by("-occurred_at", "-id")[:FEED_LENGTH]

    def item_title(self, item: StatusChange) -> str:
        return f"{item.prediction.source.name}: {status_label(item.to_status)}"

    def item_description(self, item: StatusChange) -> str:
        before = status_label(item.from_status)
        return f"{item.prediction.claim} ({before} → {status_label(item.to_status)})"

    def item_link(self, item: StatusChange) -> str:
        return reverse("prediction-detail", args=[item.prediction.slug])

    def item_guid(self, item: StatusChange) -> str:
        # The link is shared by every change of a prediction; an entry id is not.
        return f"urn:forecast-tracker:status-change:{item.pk}"

    def item_guid_is_permalink(self, item: StatusChange) -> bool:
        return False

    def item_pubdate(self, item: StatusChange) -> datetime.datetime:
        return item.occurred_at

    def item_updateddate(self, item: StatusChange) -> datetime.datetime:
        return item.occurred_at
