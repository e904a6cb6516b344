"""Feeds and fetch runs are read with the model's view permission, as in the
admin: the staff flag alone grants nothing."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import FeedFactory, FetchRunFactory

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/feeds/", "/api/v1/fetch-runs/"]


def client_for(django_user_model, *codenames: str, **flags) -> APIClient:
    user = django_user_model.objects.create_user(
        username="someone", password="x" * 12, **flags
    )
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    return client


@pytest.mark.parametrize("url", URLS)
def test_anonymous_requests_for_staff_lists_are_401(api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("url", URLS)
def test_tokens_without_the_view_permission_are_403(writer_client, url):
    assert writer_client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("codenames", "flags", "expected"),
    [
        ((), {"is_staff": True}, {"feeds": 403, "fetch-runs": 403}),
        (
            ("change_feed", "add_feed"),
            {"is_staff": True},
            {"feeds": 403, "fetch-runs": 403},
        ),
        (("view_feed",), {"is_staff": True}, {"feeds": 200, "fetch-runs": 403}),
        (("view_fetchrun",), {"is_staff": True}, {"feeds": 403, "fetch-runs": 200}),
        (("view_feed", "view_fetchrun"), {}, {"feeds": 200, "fetch-runs": 200}),
        (
            (),
            {"is_staff": True, "is_superuser": True},
            {"feeds": 200, "fetch-runs": 200},
        ),
        (
            ("view_feed", "view_fetchrun"),
            {"is_active": False},
            {"feeds": 401, "fetch-runs": 401},
        ),
    ],
    ids=[
        "staff-only",
        "other-perms",
        "view-feed",
        "view-run",
        "perms-no-staff",
        "superuser",
        "inactive",
    ],
)
def test_the_view_permission_decides_each_list(
    django_user_model, codenames, flags, expected
):
    FetchRunFactory(feed=FeedFactory(), error="HTTP 503 from upstream")
    client = client_for(django_user_model, *codenames, **flags)

    answered = {name: client.get(f"/api/v1/{name}/").status_code for name in expected}

    assert answered == expected


@pytest.mark.parametrize("url", URLS)
def test_no_write_is_allowed_even_with_every_feed_permission(django_user_model, url):
    client = client_for(
        django_user_model,
        *(
            f"{verb}_{model}"
            for verb in ("add", "change", "delete", "view")
            for model in ("feed", "fetchrun")
        ),
    )

    assert client.post(url, {}, format="json").status_code == 405


def test_a_reader_of_feeds_sees_them(django_user_model):
    FeedFactory(name="SWE-bench leaderboard")
    client = client_for(django_user_model, "view_feed")

    rows = client.get("/api/v1/feeds/").json()["results"]

    assert [row["name"] for row in rows] == ["SWE-bench leaderboard"]


def test_a_reader_of_runs_sees_their_errors(django_user_model):
    FetchRunFactory(outcome="failed", error="HTTP 503 from upstream")
    client = client_for(django_user_model, "view_fetchrun")

    rows = client.get("/api/v1/fetch-runs/").json()["results"]

    assert [row["error"] for row in rows] == ["HTTP 503 from upstream"]
