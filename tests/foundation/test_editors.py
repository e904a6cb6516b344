"""The Editors group and manage.py create_editor: an account that keeps the
record current without being a superuser."""

import importlib
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from predictions.management.commands.create_editor import EDITORS_GROUP
from predictions.models import DeferredRescore
from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

EDITOR_PERMISSIONS = {
    "indicators.add_observation",
    "indicators.change_observation",
    "indicators.view_observation",
    "indicators.view_indicator",
    "indicators.view_feed",
    "indicators.view_fetchrun",
    "predictions.view_prediction",
    "predictions.view_question",
    "predictions.view_source",
    "predictions.view_score",
    "predictions.view_statuschange",
    "predictions.view_deferredrescore",
}


def create_editor(name: str = "ada") -> tuple[object, str]:
    out = StringIO()
    call_command("create_editor", name, stdout=out)
    password = re.search(r"shown only now\): (\S+)", out.getvalue()).group(1)
    return get_user_model().objects.get(username=name), password


def test_the_editors_group_has_exactly_an_editors_permissions():
    group = Group.objects.get(name=EDITORS_GROUP)
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
    }
    assert granted == EDITOR_PERMISSIONS


@pytest.mark.postgres  # SQLite cannot alter tables inside the test transaction
def test_the_group_migration_runs_again_and_back():
    migration = importlib.import_module("predictions.migrations.0007_editors_group")
    with connection.schema_editor() as editor:
        migration.delete_group(apps, editor)
        assert not Group.objects.filter(name=EDITORS_GROUP).exists()
        migration.create_group(apps, editor)
        migration.create_group(apps, editor)
    assert Group.objects.get(name=EDITORS_GROUP).permissions.count() == len(
        EDITOR_PERMISSIONS
    )


def test_create_editor_makes_staff_in_the_group_with_a_strong_password(client):
    user, password = create_editor()
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert len(password) >= 20
    assert user.check_password(password)
    assert client.login(username="ada", password=password)


def test_two_editors_get_different_passwords():
    assert create_editor("ada")[1] != create_editor("grace")[1]


def test_create_editor_refuses_an_existing_name():
    create_editor()
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "ada", stdout=StringIO())


def test_an_editor_logs_a_value_but_cannot_delete_one_or_edit_a_prediction(client):
    user, _ = create_editor()
    client.force_login(user)
    indicator = IndicatorFactory()
    observation = ObservationFactory(indicator=indicator)

    add = reverse("admin:indicators_observation_add")
    assert client.get(f"{add}?indicator={indicator.pk}").status_code == 200
    delete = reverse("admin:indicators_observation_delete", args=[observation.pk])
    assert client.get(delete).status_code == 403
    assert client.get(reverse("admin:predictions_prediction_add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_an_editor_sees_the_attention_lists_and_the_record(client):
    user, _ = create_editor()
    client.force_login(user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "What needs attention" in page
    assert "The record" in page
    assert "Periodic tasks" not in page


def test_an_editor_runs_a_deferred_rescore_from_the_list(client):
    user, _ = create_editor()
    client.force_login(user)
    indicator = IndicatorFactory()
    DeferredRescore.objects.create(indicator=indicator, deferred_at=timezone.now())
    url = reverse("admin:predictions_deferredrescore_changelist")

    response = client.post(
        url,
        {"action": "rescore_now", "_selected_action": [indicator.pk]},
        follow=True,
    )

    assert "Rescored 1 indicator." in response.content.decode()
    assert not DeferredRescore.objects.exists()


def test_an_editor_finds_add_a_value_on_an_indicator_they_can_only_view(client):
    user, _ = create_editor()
    client.force_login(user)
    indicator = IndicatorFactory()
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    add = f"{reverse('admin:indicators_observation_add')}?indicator={indicator.pk}"
    assert f'href="{add}"' in client.get(url).content.decode()
