from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "safeshare.agreements"
    label = "agreements"
    verbose_name = "Information sharing agreements"
