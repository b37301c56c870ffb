import datetime

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "safeshare.consent"
    label = "consent"
    verbose_name = "Consent register"

    def ready(self) -> None:
        from safeshare.consent.guards import register
        from safeshare.consent.jobs import notify_reviews
        from safeshare.jobs.registry import register as register_job

        register()
        # An amendment or reconsideration carries the original's consent (consent/signals.py).
        from safeshare.consent import signals

        signals.connect()
        # Review and expiry dates are days: an hourly pass tells the recorder within the
        # hour of the day starting, once per entry and date (consent/jobs.py).
        register_job(
            "consent.reviews",
            run=notify_reviews,
            every=datetime.timedelta(hours=1),
            description="Tell the recorder a consent entry has reached its review or expiry date",
        )
