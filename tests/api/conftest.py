"""Fixtures of the API tests: a staff token client that may view feeds and runs,
throttling out of the way."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.isolation import generous_throttle, own_cache_keys  # noqa: F401


@pytest.fixture
def staff_api_client(db, django_user_model) -> APIClient:
    user = django_user_model.objects.create_user(
        username="staff", password="x" * 12, is_staff=True
    )
    # The staff API reads by model permission, as the admin does.
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_feed", "view_fetchrun"])
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    return client
