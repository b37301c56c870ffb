import datetime

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "safeshare.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from safeshare.jobs.registry import register
        from safeshare.ledger.actions import sign_checkpoint_job
        from safeshare.ledger.witnessing import witness_job

        # What `safeshare ledger checkpoint --if-grown` does from cron (docs/operations.md):
        # five minutes bounds what a rollback of the database alone could hide.
        register(
            "ledger.checkpoint",
            run=sign_checkpoint_job,
            every=datetime.timedelta(minutes=5),
            description="Sign a ledger checkpoint if the tree grew since the last one",
        )
        register(
            "ledger.witness",
            run=witness_job,
            every=datetime.timedelta(minutes=1),
            description="Send the newest checkpoint to every witness and store cosignatures",
            # It waits on each witness over HTTP; each cosignature or failure is its own
            # commit (Job.atomic), so no write lock is held while waiting.
            atomic=False,
        )
