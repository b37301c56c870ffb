from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "safeshare.figures"
    label = "figures"
    verbose_name = "Partnership figures"
