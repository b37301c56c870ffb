from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "safeshare.signin"
    label = "signin"
    verbose_name = "Sign-in and account management"
