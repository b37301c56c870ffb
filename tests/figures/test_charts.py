"""The charts drawn on the server: hidden from assistive technology (the table beside is
their text), no bar for a suppressed count, every label escaped."""

from __future__ import annotations

import re

from safeshare.figures.charts import bar_chart
from safeshare.figures.tables import one_way, two_way


def test_a_suppressed_count_gets_its_words_and_no_bar() -> None:
    figure = one_way("o", "O", "Outcome", "Decisions", [("Share", 3), ("Refuse", 4), ("<b>", 20)])
    svg = bar_chart(figure)
    assert svg.startswith("<svg") and 'aria-hidden="true"' in svg and 'focusable="false"' in svg
    assert svg.count("<rect") == 1  # only the 20
    assert svg.count("fewer than 5") == 2
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert "<script" not in svg


def test_a_two_way_chart_draws_each_column_but_the_total_with_a_legend() -> None:
    figure = two_way("t", "T", "Urgency", ["A", "B"], ["In", "Out"], [[10, 20], [30, 40]])
    svg = bar_chart(figure)
    # Two legend keys and four bars; the totals column is not drawn.
    assert svg.count("<rect") == 6
    widths = [float(w) for w in re.findall(r'<rect x="170" y="\d+" width="([\d.]+)"', svg)]
    assert widths == sorted(widths) and max(widths) == 190
