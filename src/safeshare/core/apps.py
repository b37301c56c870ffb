from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class CoreConfig(AppConfig):
    # Two configs live here: this one is safeshare.core's (StaticFilesConfig is listed by
    # its own path).
    default = True
    name = "safeshare.core"
    label = "core"
    verbose_name = "safeshare"

    def ready(self) -> None:
        from safeshare.core import govuk_components

        govuk_components.install()


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, leaving out GOV.UK Frontend's sources, which no page
    asks for: its Sass, Nunjucks and HTML templates and READMEs are 700 of its 900 files,
    and collectstatic would hash and compress each of them."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "*.scss", "*.njk", "*.html", "*.md"]
