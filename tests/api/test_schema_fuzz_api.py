"""Schemathesis over the whole schema: no server error, no response off-schema.

About 1,000 generated requests in all (positive and negative cases, in the
explicit, coverage and fuzzing phases), then stateful sequences of calls,
against a small seeded database, with a token that may read staff lists and
write.
"""

import datetime
import json
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import (
    FetchRunFactory,
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    ScoreFactory,
    SourceFactory,
    StatusChangeFactory,
)
from tracker.wsgi import application

pytestmark = pytest.mark.slow

# About 1,400 requests in all: the explicit, coverage and fuzzing phases together.
EXAMPLES_PER_OPERATION = 40


def load_schema() -> schemathesis.BaseSchema:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(generated))
    )


schema = load_schema()


@pytest.fixture
def test_connection_kept() -> Iterator[None]:
    """Keep the test's transaction open across WSGI requests.

    The WSGI handler closes "old" connections around each request, which inside
    a test transaction means closing it; Django's test client does the same.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def auth_headers(test_connection_kept, db, django_user_model) -> dict[str, str]:
    """Seed a small record; return the headers of a staff token that may write."""
    indicator = IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)
    for slug in ("ai2027", "lambert"):
        prediction = PredictionFactory(
            slug=f"{slug}-swe", indicator=indicator, source=SourceFactory(slug=slug)
        )
        prediction.current_score = ScoreFactory(prediction=prediction)
        prediction.save()
        StatusChangeFactory(prediction=prediction)
    ObservationFactory(indicator=indicator, date=datetime.date(2025, 1, 1))
    FetchRunFactory(feed__indicator=indicator)
    user = django_user_model.objects.create_user(username="fuzz", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_observation", "view_feed", "view_fetchrun"]
        )
    )
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    # The same cases on every run, so CI is reproducible; FUZZ_EXPLORE=1 draws
    # new ones (and a failure prints the request that reproduces it).
    derandomize=os.environ.get("FUZZ_EXPLORE") != "1",
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_within_its_schema(case, auth_headers):
    response = case.call(
        base_url="http://testserver", app=application, headers=auth_headers
    )

    case.validate_response(
        response, checks=[not_a_server_error, response_schema_conformance]
    )


# Sequences of calls, chained by the links schemathesis infers between
# operations (a created observation's id, a listed slug, ...): what one call
# wrote or returned feeds the next.
STATEFUL_SCENARIOS = 25


def test_sequences_of_calls_stay_within_the_schema(auth_headers):
    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case) -> dict:
            return {
                "base_url": "http://testserver",
                "app": application,
                "headers": auth_headers,
            }

        def validate_response(self, response, case, **kwargs) -> None:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            derandomize=os.environ.get("FUZZ_EXPLORE") != "1",
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
