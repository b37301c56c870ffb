from django.apps import AppConfig


class WitnessConfig(AppConfig):
    name = "safeshare.witness"
    label = "witness"
    verbose_name = "Witness"
