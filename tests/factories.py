"""factory_boy factories: only required fields; tests set what they assert on."""

import datetime

import factory
from django.utils import timezone

from indicators.models import Category, Feed, FetchRun, Indicator, Observation
from predictions.models import (
    Comparison,
    Kind,
    Prediction,
    Score,
    Source,
    Status,
    StatusChange,
)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    description = "A test indicator."
    unit = "%"
    category = Category.BENCHMARKS


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))
    value = 50.0
    published_on = factory.SelfAttribute("date")
    source_url = "https://example.org/report"
    source_title = "A report"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"source-{n}")
    name = factory.Sequence(lambda n: f"Source {n}")
    authors = "A. Author"
    published = datetime.date(2025, 4, 3)
    url = "https://example.org/source"


class PredictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prediction

    slug = factory.Sequence(lambda n: f"prediction-{n}")
    source = factory.SubFactory(SourceFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    category = Category.BENCHMARKS
    kind = Kind.THRESHOLD
    comparison = Comparison.GTE
    target = 80.0
    deadline = datetime.date(2026, 12, 31)
    claim = "A test claim."
    citation_url = "https://example.org/source#section"
    citation_section = "Section 1"


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    name = factory.Sequence(lambda n: f"Feed {n}")
    indicator = factory.SubFactory(IndicatorFactory)
    url = "http://127.0.0.1:9/feed.json"
    date_field = "date"
    value_field = "value"
    source_title = "A feed"


class FetchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FetchRun

    feed = factory.SubFactory(FeedFactory)
    started_at = factory.LazyFunction(timezone.now)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    prediction = factory.SubFactory(PredictionFactory)
    as_of = factory.Sequence(
        lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(n)
    )
    computed_at = factory.LazyFunction(timezone.now)
    rules_version = "test"
    status = Status.ON_TRACK


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    prediction = factory.SubFactory(PredictionFactory)
    to_status = Status.ON_TRACK
    occurred_at = factory.LazyFunction(timezone.now)
