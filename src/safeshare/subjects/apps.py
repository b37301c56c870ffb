from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "safeshare.subjects"
    label = "subjects"
    verbose_name = "People"
