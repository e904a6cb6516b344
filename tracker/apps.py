from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_delete, post_save


class TrackerConfig(AppConfig):
    # The app "tracker" is this one, not the admin's below.
    default = True
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from indicators.models import Indicator
        from predictions import scoreboard
        from predictions.models import Prediction, Source

        # What the scoreboard and the kept pages show of the record besides
        # scores (names, claims), which a rescore refreshes itself.
        for model in (Source, Indicator, Prediction):
            for signal in (post_save, post_delete):
                signal.connect(
                    scoreboard.on_record_edited,
                    sender=model,
                    dispatch_uid=f"memo-{signal is post_save}-{model.__name__}",
                )


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (``tracker.admin_site``)."""

    default = False
    default_site = "tracker.admin_site.TrackerAdminSite"
