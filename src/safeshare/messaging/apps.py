import datetime

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "safeshare.messaging"
    label = "messaging"
    verbose_name = "Outgoing messages"

    def ready(self) -> None:
        # Core's notify hands every message to this app's queue (core/notifications.py
        # sits below: it cannot import this app, so this app registers itself there).
        from safeshare.core.notifications import set_outbox
        from safeshare.jobs.registry import register
        from safeshare.messaging.delivery import deliver_due, prune
        from safeshare.messaging.outbox import queue_emails

        set_outbox(queue_emails)
        # Every minute: a message waits at most a minute, and a retry's backoff (1, 5,
        # 25 and 125 minutes) is kept to the minute (docs/adr/0019-notify.md).
        register(
            "messaging.deliver",
            run=deliver_due,
            every=datetime.timedelta(minutes=1),
            description="Send queued emails and text messages, retrying with backoff",
        )
        # Daily: sent and given-up messages go after SAFESHARE_MESSAGES_KEEP_DAYS.
        register(
            "messaging.prune",
            run=prune,
            every=datetime.timedelta(days=1),
            description="Delete messages sent or given up on longer ago than the keeping period",
        )
