from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "safeshare.decisions"
    label = "decisions"
    verbose_name = "Information sharing decisions"
