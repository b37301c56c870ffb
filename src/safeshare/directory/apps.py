from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "safeshare.directory"
    label = "directory"
    verbose_name = "Directory of organisations and contacts"
