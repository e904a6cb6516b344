from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from indicators import signals
        from indicators.models import Observation

        # A deleted value may have decided a status: its indicator is rescored.
        post_delete.connect(
            signals.on_observation_deleted,
            sender=Observation,
            dispatch_uid="indicators-observation-deleted",
        )
