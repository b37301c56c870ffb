"""The engine is a pure core: importing it, or running its CLI, never loads Django."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import safeshare.guidance
import safeshare.guidance.cli
safeshare.guidance.evaluate(safeshare.guidance.load_policy(), {"immediate_risk": False})
assert not any(m == "django" or m.startswith("django.") for m in sys.modules), "django imported"
print("ok")
"""


def test_importing_the_engine_does_not_import_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
