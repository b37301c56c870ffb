from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "safeshare.disclosures"
    label = "disclosures"
    verbose_name = "Secure disclosures"

    def ready(self) -> None:
        # The app's append-only tables join core's list of database guards, so installing
        # or removing "every guard" (browser test teardown, operations) includes them.
        from safeshare.disclosures.guards import register

        register()
