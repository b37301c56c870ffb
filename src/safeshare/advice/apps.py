import datetime

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
        from safeshare.advice.jobs import remind_advisers
        from safeshare.jobs.registry import register

        signals.connect()
        # Each request is reminded once (advice/jobs.py); every 15 minutes keeps an urgent
        # request's hour close to an hour.
        register(
            "advice.remind",
            run=remind_advisers,
            every=datetime.timedelta(minutes=15),
            description="Remind advisers of advice requests that have waited too long",
        )
