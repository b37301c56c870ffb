from django.apps import AppConfig


class OutsideConfig(AppConfig):
    name = "safeshare.outside"
    label = "outside"
    verbose_name = "Recipients outside safeshare"
