"""The feed engine migration keeps each feed's single filter as its first rule."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = [("indicators", "0006_derivations")]
AFTER = [("indicators", "0007_feed_engine")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_single_filter_becomes_a_list_and_back():
    old = migrate(BEFORE)
    indicator = old.get_model("indicators", "Indicator").objects.create(
        slug="capex", name="Capex", description="d", unit="$B", category="economics"
    )
    feeds = old.get_model("indicators", "Feed").objects
    common = {"indicator": indicator, "url": "https://example.org/x.json"}
    common |= {"date_field": "end", "value_field": "val", "source_title": "SEC"}
    feeds.create(name="filtered", filter_field="form", filter_value="10-K", **common)
    feeds.create(name="unfiltered", **common)
    try:
        new = migrate(AFTER)
        by_name = {
            feed.name: feed.filters
            for feed in new.get_model("indicators", "Feed").objects.all()
        }
        assert by_name == {
            "filtered": [{"field": "form", "op": "eq", "value": "10-K"}],
            "unfiltered": [],
        }

        back = migrate(BEFORE).get_model("indicators", "Feed").objects
        assert back.get(name="filtered").filter_value == "10-K"
        assert back.get(name="unfiltered").filter_field == ""
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
