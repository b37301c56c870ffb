from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeshare.audit"
    label = "audit"
    verbose_name = "Access records"
