from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class CoreConfig(AppConfig):
    name = "safeshare.core"
    label = "core"
    verbose_name = "safeshare"


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, leaving out GOV.UK Frontend's sources, which no page
    asks for: its Sass, Nunjucks and HTML templates and READMEs are 700 of its 900 files,
    and collectstatic would hash and compress each of them."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "*.scss", "*.njk", "*.html", "*.md"]
