"""Small-number suppression for published counts. Pure: no Django.

A count from 1 to 4 is never shown ("fewer than 5"): it could point to a child or family.
Hiding it is not enough when a table also shows totals, because a total minus the cells
shown beside it gives the hidden cell back. So, wherever a row or column (a *line*: a total
and the cells that add up to it) would leave exactly one unknown value that must stay
hidden, the next smallest cell shown in that line is withheld too (secondary suppression),
and the check is repeated until subtraction along the lines recovers nothing.

Some lines have a member that is never shown at all (a *hidden* cell: "consent given and
not withdrawn" is given minus withdrawn). A hidden cell from 1 to 4 must not be recoverable
either; a larger one may be.

Zero is shown: a count of none points to no one.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

# A cell's position in a table: any hashable value (a row and column pair, a label).
# Typed as Any because Mapping keys are invariant: a dict[str, int] is no Mapping[Hashable].
Position = Any

SMALLEST_SHOWN = 5


def is_small(value: int) -> bool:
    """A count that may not be published: 1 to 4."""
    return 0 < value < SMALLEST_SHOWN


@dataclass(frozen=True)
class Line:
    """`total` is the sum of `members`: a row or a column of a table and its total."""

    total: Hashable
    members: tuple[Hashable, ...]


class Shown(Enum):
    VALUE = "value"
    FEWER_THAN_5 = "fewer than 5"  # primary: the count is 1 to 4
    WITHHELD = "withheld"  # secondary: shown, it would give a smaller count away


def recoverable(
    values: Mapping[Position, int], lines: Iterable[Line], unknown: Collection[Position]
) -> dict[Position, Line]:
    """What subtraction along the lines gives back, starting from everything outside
    `unknown`: each recovered cell with the line that gave it. A line with exactly one
    unknown member (its total included) gives that one; repeated until nothing changes."""
    lines = list(lines)
    missing = set(unknown)
    found: dict[Position, Line] = {}
    changed = True
    while changed:
        changed = False
        for line in lines:
            left = [p for p in (line.total, *line.members) if p in missing]
            if len(left) == 1:
                missing.discard(left[0])
                found[left[0]] = line
                changed = True
    return found


def _complement(
    values: Mapping[Position, int], line: Line, exclude: Collection[Position]
) -> Position:
    """The cell to withhold besides: the smallest non-zero member shown, then a zero one,
    and the total only when no member is left."""
    members = [p for p in line.members if p not in exclude]
    nonzero = sorted((p for p in members if values[p] > 0), key=lambda p: values[p])
    zero = [p for p in members if values[p] == 0]
    for candidates in (nonzero, zero):
        if candidates:
            return candidates[0]
    if line.total not in exclude:
        return line.total
    raise ValueError("a line whose hidden cell cannot be protected by withholding another")


def suppress(
    values: Mapping[Position, int],
    lines: Iterable[Line] = (),
    hidden: Collection[Position] = frozenset(),
) -> dict[Position, Shown]:
    """How each shown cell of `values` is published. `hidden` cells are in `values` (their
    counts are needed to protect them) but never shown; they are left out of the answer."""
    lines = list(lines)
    known_positions = {p for line in lines for p in (line.total, *line.members)}
    if not known_positions <= set(values):
        raise ValueError("every cell a line names needs a value")
    primary = {p for p, v in values.items() if p not in hidden and is_small(v)}
    secondary: set[Position] = set()
    while True:
        withheld = primary | secondary
        leaks = [
            (cell, line)
            for cell, line in recoverable(values, lines, withheld | set(hidden)).items()
            if cell in withheld or is_small(values[cell])
        ]
        if not leaks:
            break
        cell, line = leaks[0]
        secondary.add(_complement(values, line, withheld | set(hidden) | {cell}))
    return {
        p: Shown.FEWER_THAN_5 if p in primary else Shown.WITHHELD if p in secondary else Shown.VALUE
        for p in values
        if p not in hidden
    }
