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
