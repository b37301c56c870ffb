from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safeshare.api"
    label = "api"
    verbose_name = "API"
