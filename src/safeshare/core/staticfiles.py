"""Static files as production serves them: content-hashed names with gzip and brotli
copies beside them, made by `safeshare collectstatic` (settings.SAFESHARE_HASHED_STATIC)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


# WhiteNoise ships no type information (pyproject.toml), so its class is Any to mypy.
class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """WhiteNoise's compressed manifest storage, which also rewrites the relative imports
    of safeshare's own ES modules (*.mjs) to hashed names, so that a page never runs a new
    module with an old cached one it imports. Django has the patterns for *.js only (and
    for statements that end with a semicolon), and GOV.UK Frontend's bundle needs none."""

    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        (
            "safeshare/*.mjs",
            CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1],
        ),
    )
