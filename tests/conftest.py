"""Shared fixtures: API clients with and without write permission."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.httpserver import FEEDS, FixtureServer
from tracker import memo


@pytest.fixture(autouse=True)
def forget_kept_responses() -> None:
    """Each test's database starts afresh; so do the pages kept in memory."""
    memo.RESPONSES.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def _token_client(django_user_model, username: str, *, can_write: bool) -> APIClient:
    user = django_user_model.objects.create_user(username=username, password="x" * 12)
    if can_write:
        user.user_permissions.add(
            Permission.objects.get(codename="add_observation"),
            Permission.objects.get(codename="change_observation"),
        )
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def writer_client(db, django_user_model) -> APIClient:
    """A token client whose user may add and change observations."""
    return _token_client(django_user_model, "writer", can_write=True)


@pytest.fixture
def reader_client(db, django_user_model) -> APIClient:
    """A token client whose user may only read."""
    return _token_client(django_user_model, "reader", can_write=False)


@pytest.fixture
def staff_client(client, django_user_model):
    """A logged-in superuser on the Django test client (admin pages)."""
    user = django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="x" * 12
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def feed_server(monkeypatch) -> Iterator[FixtureServer]:
    """The fixture HTTP server on 127.0.0.1, serving tests/fixtures/feeds/."""
    monkeypatch.setenv("no_proxy", "*")  # a proxy must never see 127.0.0.1
    with FixtureServer(FEEDS) as server:
        yield server
