from django.apps import AppConfig


class PredictionsConfig(AppConfig):
    name = "predictions"
    verbose_name = "Predictions"

    def ready(self) -> None:
        from indicators.signals import observations_changed
        from predictions import receivers

        observations_changed.connect(
            receivers.on_observations_changed, dispatch_uid="predictions-rescore"
        )
