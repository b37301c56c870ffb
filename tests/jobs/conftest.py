from __future__ import annotations

import pytest

from safeshare.jobs import registry


@pytest.fixture
def only_test_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test: the apps' own jobs are set aside and come back."""
    monkeypatch.setattr(registry, "_JOBS", {})
