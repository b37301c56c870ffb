"""Bar charts drawn on the server as SVG: no JavaScript. Pure: no Django.

A chart repeats its table, which stands beside it as its text alternative: the SVG is
hidden from assistive technology (aria-hidden) so a screen reader reads the table once.
A suppressed cell gets no bar, only its words, so a bar's length never gives it away.
"""

from __future__ import annotations

from html import escape

from safeshare.figures.tables import Figure

# GOV.UK Frontend's palette, each at least 3:1 against white (WCAG 1.4.11).
SERIES_COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#003078")
TEXT_COLOUR = "#0b0c0c"
# About the width of half the page's column, so that the text draws at its own size.
WIDTH = 460
LABEL_WIDTH = 170
BAR_HEIGHT = 24
GAP = 12
LEGEND_HEIGHT = 32


def _series(figure: Figure) -> list[int]:
    """The columns drawn: all but a final total column when there are several."""
    count = len(figure.columns)
    return list(range(count - 1 if count > 1 else count))


def bar_chart(figure: Figure) -> str:
    series = _series(figure)
    rows = figure.body
    values = [c.visible for r in rows for i, c in enumerate(r.cells) if i in series]
    largest = max([v for v in values if v is not None] or [0]) or 1
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    group = len(series) * BAR_HEIGHT + GAP
    height = legend + len(rows) * group + GAP
    plot = WIDTH - LABEL_WIDTH - 100
    parts = [
        f'<svg class="figures-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-hidden="true" focusable="false" font-family="GDS Transport, arial, sans-serif" font-size="16">'
    ]
    if legend:
        x = 0
        for k, column in enumerate(series):
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            parts.append(f'<rect x="{x}" y="8" width="16" height="16" fill="{colour}"/>')
            label = escape(figure.columns[column])
            parts.append(f'<text x="{x + 22}" y="22" fill="{TEXT_COLOUR}">{label}</text>')
            x += 36 + 8 * len(figure.columns[column])
    for r, row in enumerate(rows):
        top = legend + r * group + GAP // 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + BAR_HEIGHT - 4}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_short(row.label))}</text>'
        )
        for k, column in enumerate(series):
            cell = row.cells[column]
            y = top + k * BAR_HEIGHT
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            if cell.visible is None:
                parts.append(
                    f'<text x="{LABEL_WIDTH}" y="{y + BAR_HEIGHT - 4}" fill="{TEXT_COLOUR}" '
                    f'font-style="italic">{escape(cell.text)}</text>'
                )
                continue
            width = round(plot * cell.visible / largest, 1)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width}" height="{BAR_HEIGHT - 4}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT - 4}" '
                f'fill="{TEXT_COLOUR}">{escape(cell.text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 20) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
