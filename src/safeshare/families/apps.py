import datetime

from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "safeshare.families"
    label = "families"
    verbose_name = "Telling the family later"

    def ready(self) -> None:
        # A decision finalised without telling the person or family puts them on the list
        # to tell: the decisions app knows nothing of this one (it sits a layer below), so
        # this app listens for the decision's end (families/signals.py).
        from safeshare.families import signals
        from safeshare.families.guards import register as register_guards
        from safeshare.families.jobs import remind_reviews
        from safeshare.jobs.registry import register

        signals.connect()
        register_guards()
        # Review dates are days: an hourly pass reminds within the hour of a day's start.
        register(
            "families.review_reminders",
            run=remind_reviews,
            every=datetime.timedelta(hours=1),
            description="Remind practitioners and managers of families to tell on their review date",
        )
