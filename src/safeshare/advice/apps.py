from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "safeshare.advice"
    label = "advice"
    verbose_name = "Advice on a decision"

    def ready(self) -> None:
        # A request still waiting when its draft is discarded or finalised is withdrawn:
        # the decisions app knows nothing of advice (it sits a layer below), so this app
        # listens for the draft's end (advice/signals.py).
        from safeshare.advice import signals

        signals.connect()
