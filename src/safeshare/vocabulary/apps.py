from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    name = "safeshare.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared vocabulary"
