import datetime

from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "safeshare.disclosures"
    label = "disclosures"
    verbose_name = "Secure disclosures"

    def ready(self) -> None:
        # The app's append-only tables join core's list of database guards, so installing
        # or removing "every guard" (browser test teardown, operations) includes them.
        from safeshare.disclosures.actions import send_expiry_notices
        from safeshare.disclosures.guards import register
        from safeshare.jobs.registry import register as register_job

        register()
        # Disclosures expire at the start of a day (local time): an hourly pass tells
        # people within the hour of it.
        register_job(
            "disclosures.expiry_notices",
            run=send_expiry_notices,
            every=datetime.timedelta(hours=1),
            description="Tell the sender and the recipient a disclosure expires soon or has expired",
        )
