from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "safeshare.requests"
    label = "requests"
    verbose_name = "Requests for information"
