import datetime

from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "safeshare.decisions"
    label = "decisions"
    verbose_name = "Information sharing decisions"

    def ready(self) -> None:
        # Decisions answer requests: the one seam between the two apps (requests/answering.py).
        from safeshare.decisions.answering import DecisionsAnswering
        from safeshare.requests import answering

        answering.register(DecisionsAnswering())

        # Managers are reminded once of sign-offs waiting more than a working day and of
        # reviews after the event past their date (decisions/jobs.py).
        from safeshare.decisions.jobs import remind_managers
        from safeshare.jobs.registry import register

        register(
            "decisions.sign_off_reminders",
            run=remind_managers,
            every=datetime.timedelta(minutes=15),
            description="Remind managers of decisions waiting for sign-off or review",
        )
