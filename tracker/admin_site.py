"""The admin as the editor's desk: titled for the product, what needs attention
on the home page, the record's models first and the machinery grouped apart."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from tracker.pages import attention

# The home page's groups, in order, each listing its models in order
# ("app_label.model_name"). A model not named here goes to the end of the
# record if it belongs to the project's apps, else to the technical group.
GROUPS = (
    (
        "record",
        "The record",
        (
            "indicators.observation",
            "indicators.indicator",
            "predictions.prediction",
            "predictions.question",
            "predictions.source",
            "indicators.feed",
            "indicators.fetchrun",
        ),
    ),
    ("scores", "Scores and events", ("predictions.score", "predictions.statuschange")),
    ("accounts", "Accounts", ("auth.user", "auth.group")),
    (
        "technical",
        "Technical",
        (
            "predictions.webhook",
            "predictions.webhookdelivery",
            "predictions.deferredrescore",
            "django_celery_beat.periodictask",
            "django_celery_beat.crontabschedule",
            "django_celery_beat.intervalschedule",
            "django_celery_beat.clockedschedule",
            "django_celery_beat.solarschedule",
            "django_celery_results.taskresult",
            "django_celery_results.groupresult",
            "authtoken.tokenproxy",
        ),
    ),
)
PROJECT_APPS = ("indicators", "predictions", "tracker")
# Third-party plurals that read badly in a list of schedules.
NAMES = {
    "django_celery_beat.clockedschedule": "Clocked schedules",
    "django_celery_beat.crontabschedule": "Crontab schedules",
    "django_celery_beat.intervalschedule": "Interval schedules",
    "django_celery_beat.solarschedule": "Solar schedules",
    "authtoken.tokenproxy": "API tokens",
}


def group_apps(app_list: list[dict], *, index_url: str) -> list[dict]:
    """Regroup Django's per-app list into the editor's groups (empty ones dropped)."""
    models = {
        model["model"]._meta.label_lower: model
        for app in app_list
        for model in app["models"]
    }
    for label, name in NAMES.items():
        if label in models:
            models[label]["name"] = name
    placed = {label for _, _, labels in GROUPS for label in labels}
    extra = sorted(label for label in models if label not in placed)
    own = [label for label in extra if label.split(".")[0] in PROJECT_APPS]
    others = [label for label in extra if label not in own]
    groups = []
    for key, name, labels in GROUPS:
        labels = labels + tuple(own if key == "record" else ())
        labels = labels + tuple(others if key == "technical" else ())
        entries = [models[label] for label in labels if label in models]
        if entries:
            groups.append(
                {
                    "name": name,
                    "app_label": key,
                    "app_url": f"{index_url}#{key}",
                    "has_module_perms": True,
                    "models": entries,
                }
            )
    return groups


class TrackerAdminSite(admin.AdminSite):
    site_header = "Forecast tracker"
    site_title = "Forecast tracker admin"
    index_title = "The editor's desk"
    # A name of its own: django.contrib.admin's templates come first in the
    # search path, so a project "admin/index.html" would never be found.
    index_template = "admin/tracker_index.html"

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict]:
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:  # one app's own page keeps Django's list
            return app_list
        index_url = reverse("admin:index", current_app=self.name)
        return group_apps(app_list, index_url=index_url)

    def index(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        context = {
            "attention": attention.collect(today=timezone.now().date()),
            **(extra_context or {}),
        }
        return super().index(request, context)
