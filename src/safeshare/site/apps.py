from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "safeshare.site"
    label = "site"
    verbose_name = "The service's pages across apps"
