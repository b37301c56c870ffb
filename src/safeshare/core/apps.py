from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeshare.core"
    label = "core"
    verbose_name = "safeshare"
