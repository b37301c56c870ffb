import datetime

from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "safeshare.requests"
    label = "requests"
    verbose_name = "Requests for information"

    def ready(self) -> None:
        from safeshare.jobs.registry import register
        from safeshare.requests.actions import escalate_overdue

        # `safeshare requests escalate` still runs it by hand or from an older cron line.
        register(
            "requests.escalate",
            run=escalate_overdue,
            every=datetime.timedelta(minutes=15),
            description="Send requests past their due date to the receiving team's managers",
        )
