from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TrackerConfig(AppConfig):
    # The app "tracker" is this one, not the admin's below.
    default = True
    name = "tracker"
    verbose_name = "Tracker"


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (``tracker.admin_site``)."""

    default = False
    default_site = "tracker.admin_site.TrackerAdminSite"
