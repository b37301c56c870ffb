import datetime

from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "safeshare.federation"
    label = "federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        from safeshare.federation import delivery
        from safeshare.federation.actions import RequestForwarder
        from safeshare.jobs.registry import register
        from safeshare.requests import forwarding

        # A request raised to a remote organisation leaves through this app (requests sit
        # below it and never import it: requests/forwarding.py is the seam).
        forwarding.register(RequestForwarder())
        register(
            "federation.deliver",
            run=delivery.deliver_job,
            every=datetime.timedelta(minutes=1),
            description="Send queued messages to other partnerships' deployments, signed",
            # Waits on other deployments over HTTP: each delivery commits on its own.
            atomic=False,
        )
