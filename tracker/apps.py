from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TrackerConfig(AppConfig):
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
