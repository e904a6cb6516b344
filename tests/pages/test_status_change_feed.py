"""The Atom feed of status changes."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from predictions.models import Status
from tests.factories import PredictionFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"  # citation: the Atom XML namespace


def read_feed(client) -> ET.Element:
    response = client.get(reverse("status-change-feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_feed_is_atom_with_an_entry_per_status_change(client, db):
    StatusChangeFactory.create_batch(3)

    feed = read_feed(client)

    assert feed.tag == f"{ATOM}feed"
    assert len(feed.findall(f"{ATOM}entry")) == 3


def test_feed_entries_have_distinct_ids_for_the_same_prediction(client, db):
    prediction = PredictionFactory()
    StatusChangeFactory(prediction=prediction, to_status=Status.ON_TRACK)
    StatusChangeFactory(prediction=prediction, to_status=Status.BEHIND)

    entries = read_feed(client).findall(f"{ATOM}entry")

    assert len({entry.findtext(f"{ATOM}id") for entry in entries}) == 2


def test_feed_entry_links_to_the_prediction_and_says_what_changed(client, db):
    prediction = PredictionFactory(slug="osworld-65", claim="OSWorld reaches 65%.")
    StatusChangeFactory(
        prediction=prediction,
        from_status=Status.ON_TRACK,
        to_status=Status.RESOLVED_TRUE,
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
    )

    entry = read_feed(client).find(f"{ATOM}entry")

    link = entry.find(f"{ATOM}link").get("href")
    assert link == "http://testserver/predictions/osworld-65/"
    assert entry.findtext(f"{ATOM}title").endswith("Came true")
    assert entry.findtext(f"{ATOM}summary") == (
        "OSWorld reaches 65%. (On track → Came true)"
    )
