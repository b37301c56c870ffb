from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeshare.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
