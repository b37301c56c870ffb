from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "safeshare.policies"
    label = "policies"
    verbose_name = "Guidance policies"
