"""The load test's figures (bench/load_stats.py): percentiles, the baseline ratio, the CSV."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load_stats  # bench/ is not a package: on sys.path above

BASELINE = "GET /health/ (baseline)"


def test_a_percentile_is_the_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]
    assert load_stats.percentile(ordered, 0.50) == 50
    assert load_stats.percentile(ordered, 0.95) == 95
    assert load_stats.percentile(ordered, 0.99) == 99
    assert load_stats.percentile([7.0], 0.99) == 7
    with pytest.raises(ValueError, match="no samples"):
        load_stats.percentile([], 0.5)


def test_each_page_has_its_p95_as_a_ratio_to_the_baselines() -> None:
    pages = {
        "GET /": [float(n) for n in range(1, 101)],  # p95 95
        BASELINE: [5.0] * 20,
        "GET /people/<uuid:person_id>/": [],
    }
    rows = load_stats.summarise(
        pages,
        {"GET /": 3},
        BASELINE,
        seconds=10,
        order=["GET /people/<uuid:person_id>/", "GET /"],
    )
    by_page = {row.page: row for row in rows}
    assert [row.page for row in rows] == [
        "GET /people/<uuid:person_id>/",
        "GET /",
        load_stats.ALL_PAGES,
        BASELINE,
    ]
    assert by_page["GET /"].p95_ratio == pytest.approx(19.0)
    assert by_page["GET /"].failures == 3
    assert by_page["GET /"].rps == pytest.approx(10.0)
    assert by_page[BASELINE].p95_ratio == pytest.approx(1.0)
    assert by_page["GET /people/<uuid:person_id>/"].requests == 0
    assert by_page["GET /people/<uuid:person_id>/"].p95_ratio is None
    assert by_page[load_stats.ALL_PAGES].requests == 100
    assert by_page[load_stats.ALL_PAGES].failures == 3


def test_the_csv_has_the_agreed_columns(tmp_path: Path) -> None:
    rows = load_stats.summarise({"GET /": [10.0, 20.0], BASELINE: [2.0]}, {}, BASELINE, 2)
    out = tmp_path / "load.csv"
    load_stats.write_csv(out, rows)
    with out.open(encoding="utf-8") as handle:
        read = list(csv.reader(handle))
    assert read[0] == [
        "page",
        "requests",
        "failures",
        "p50",
        "p95",
        "p99",
        "max",
        "rps",
        "p95_ratio",
    ]
    assert read[1] == ["GET /", "2", "0", "10.0", "20.0", "20.0", "20.0", "1.00", "10.0"]
    assert read[-1][0] == BASELINE
    assert "p95_ratio" in load_stats.table(rows)
