"""Small-number suppression: a count from 1 to 4 is never shown, and no total lets it be
worked out by subtraction along the table's rows and columns."""

from __future__ import annotations

from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.figures.suppression import Line, Shown, is_small, recoverable, suppress
from safeshare.figures.tables import Part, grid, one_way, parts, two_way

F, W, V = Shown.FEWER_THAN_5, Shown.WITHHELD, Shown.VALUE


def test_it_hides_counts_from_1_to_4_and_shows_0_and_5() -> None:
    assert [is_small(n) for n in (0, 1, 4, 5)] == [False, True, True, False]
    shown = suppress({"a": 0, "b": 1, "c": 4, "d": 5})
    assert shown == {"a": V, "b": F, "c": F, "d": V}


def test_it_withholds_the_next_smallest_cell_when_a_total_would_give_one_away() -> None:
    values = {"a": 3, "b": 9, "c": 7, "t": 19}
    shown = suppress(values, [Line("t", ("a", "b", "c"))])
    # 19 - 9 - 7 would be 3: the next smallest, 7, is withheld too.
    assert shown == {"a": F, "b": V, "c": W, "t": V}


def test_it_prefers_a_non_zero_cell_and_falls_back_to_a_zero_one() -> None:
    assert suppress({"a": 2, "b": 0, "c": 8, "t": 10}, [Line("t", ("a", "b", "c"))])["c"] is W
    shown = suppress({"a": 2, "b": 0, "t": 2}, [Line("t", ("a", "b"))])
    assert shown == {"a": F, "b": V, "t": F}  # the total is small itself


def test_two_small_cells_in_a_line_need_nothing_more() -> None:
    shown = suppress({"a": 2, "b": 3, "c": 9, "t": 14}, [Line("t", ("a", "b", "c"))])
    assert shown == {"a": F, "b": F, "c": V, "t": V}


def test_a_part_whose_rest_is_small_is_withheld() -> None:
    # Opened 10 of 12 sent: "2 not opened" could be worked out, so opened is withheld.
    figure = parts(
        "d", "D", "Disclosures", "Disclosures", [Part("Sent", 12), Part("Opened", 10, of="Sent")]
    )
    assert [c.text for r in figure.rows for c in r.cells] == ["12", "withheld"]


def test_it_protects_across_rows_and_columns() -> None:
    figure = two_way("t", "T", "Urgency", ["A", "B"], ["In", "Out"], [[3, 20], [30, 40]])
    texts = [[c.text for c in r.cells] for r in figure.rows]
    assert texts[0][0] == "fewer than 5"
    # The row, the column and then the other row and column each need a second unknown.
    assert sum(t == "withheld" for row in texts for t in row) >= 3
    assert texts[-1][-1] == "93"


def test_a_one_way_table_and_its_csv_never_hold_a_small_number() -> None:
    figure = one_way("o", "O", "Outcome", "Decisions", [("Share", 2), ("Do not share", 40)])
    assert figure.csv_rows() == [
        ["Outcome", "Decisions"],
        ["Share", "fewer than 5"],
        ["Do not share", "withheld"],
        ["Total", "42"],
    ]


def _attack(values: dict[Hashable, int], lines: list[Line], shown: dict[Hashable, Shown]) -> None:
    """Subtract along every row and column, repeatedly, from what is shown."""
    unknown = {p for p in values if shown.get(p) is not V}
    for cell in recoverable(values, lines, unknown):
        assert shown.get(cell) is None and not is_small(values[cell]), (
            f"{cell} = {values[cell]} can be worked out"
        )


counts = st.integers(min_value=0, max_value=12) | st.integers(min_value=0, max_value=500)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=1, max_size=6)
    )
)
def test_no_suppressed_count_in_a_two_way_table_can_be_worked_out(cells: list[list[int]]) -> None:
    n_rows, n_cols = len(cells), len(cells[0])
    values, lines = grid(cells, n_cols)
    # Every row and column adds up to its total.
    assert all(values[line.total] == sum(values[m] for m in line.members) for line in lines)
    shown = suppress(values, lines)
    assert all(shown[p] is F for p, v in values.items() if is_small(v))
    _attack(values, lines, shown)
    # The table builder agrees with the function it is built on.
    figure = two_way(
        "t", "T", "R", [str(r) for r in range(n_rows)], [str(c) for c in range(n_cols)], cells
    )
    assert all(
        c.text in {"fewer than 5", "withheld"} or not is_small(c.value)
        for row in figure.rows
        for c in row.cells
    )


@settings(max_examples=300, deadline=None)
@given(
    whole=counts,
    shares=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=4),
)
def test_no_small_part_or_rest_of_a_whole_can_be_worked_out(
    whole: int, shares: list[float]
) -> None:
    values: dict[Hashable, int] = {"whole": whole}
    lines, hidden = [], set()
    for i, share in enumerate(shares):
        part = int(whole * share)
        values[("part", i)], values[("rest", i)] = part, whole - part
        hidden.add(("rest", i))
        lines.append(Line("whole", (("part", i), ("rest", i))))
    shown = suppress(values, lines, hidden)
    assert set(shown) == set(values) - hidden
    _attack(values, lines, shown)


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_no_suppressed_count_in_a_one_way_table_can_be_worked_out(column: list[int]) -> None:
    values: dict[Hashable, int] = {i: n for i, n in enumerate(column)}
    values["t"] = sum(column)
    lines = [Line("t", tuple(range(len(column))))]
    shown = suppress(values, lines)
    _attack(values, lines, shown)


@settings(max_examples=300, deadline=None)
@given(given_=counts, refused=counts, withdrawn_share=st.floats(min_value=0, max_value=1))
def test_no_small_consent_count_can_be_worked_out(
    given_: int, refused: int, withdrawn_share: float
) -> None:
    """The consent table's shape: sought is given plus refused, withdrawn is part of given."""
    withdrawn = int(given_ * withdrawn_share)
    values: dict[Hashable, int] = {
        "sought": given_ + refused,
        "given": given_,
        "refused": refused,
        "withdrawn": withdrawn,
        "still given": given_ - withdrawn,
    }
    lines = [
        Line("sought", ("given", "refused")),
        Line("given", ("withdrawn", "still given")),
    ]
    shown = suppress(values, lines, hidden={"still given"})
    _attack(values, lines, shown)
    figure = parts(
        "c",
        "C",
        "Consent",
        "Decisions",
        [
            Part("sought", given_ + refused),
            Part("given", given_),
            Part("refused", refused),
            Part("withdrawn", withdrawn, of="given"),
        ],
        sums=[("sought", ["given", "refused"])],
    )
    assert {r.label: r.cells[0].shown for r in figure.rows} == shown
