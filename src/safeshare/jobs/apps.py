from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "safeshare.jobs"
    label = "jobs"
    verbose_name = "Scheduled jobs"

    def ready(self) -> None:
        # Its own job: a bounded history of runs (the apps above register theirs).
        from safeshare.jobs import history

        history.register_pruning()
