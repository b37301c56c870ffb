"""What the document says an input may be is what the server takes: the text rules'
documented pattern and limits against clean_text's validator, over generated text; ids and
numbers exactly as JSON types them."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError, create_model

from safeshare.api import schemas
from safeshare.core.forms import LONG_TEXT, MARKUP, SHORT_TEXT

SMALL = 6


def _model(required: bool) -> Any:
    return create_model("Probe", value=(schemas.text(SMALL, required=required), ...))


def _documented(required: bool) -> jsonschema_rs.Validator:
    schema = _model(required).model_json_schema()["properties"]["value"]
    return jsonschema_rs.validator_for(schema)


def _accepted(model: Any, value: str) -> bool:
    try:
        model(value=value)
    except ValidationError:
        return False
    return True


# Characters around every rule: spaces of several kinds, "<" and what makes markup of it,
# control characters, a letter that takes a combining accent, the accent, a character that
# normalises to an ASCII letter (Kelvin sign) and ones that normalisation lengthens.
TRICKY = st.sampled_from(
    [" ", "\t", "\n", "\u3000", "\u00a0", "<", "/", "a", "Z", "!", "?", "5", "é", "\x00",
     "\x1f", "\x85", "\x7f", "e", "\u0301", "\u212a", "\u0958", "\ufb2c", "\u0344"]
)  # fmt: skip
TEXT = st.one_of(st.text(TRICKY, max_size=SMALL + 2), st.text(max_size=SMALL + 2))


def _differs_only_once_normalised(value: str) -> bool:
    """What the document cannot say: normalisation (NFC) can lengthen text, or make markup
    of it (a Kelvin sign becomes "K"). Such text passes the pattern and is refused."""
    normalised = unicodedata.normalize("NFC", value)
    return len(normalised.strip()) > SMALL or (
        bool(MARKUP.search(normalised)) and not MARKUP.search(value)
    )


@pytest.mark.parametrize("required", [True, False])
@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(value=TEXT)
def test_the_documented_text_rules_are_the_servers(required: bool, value: str) -> None:
    model, documented = _model(required), _documented(required)
    if documented.is_valid(value):
        assert _accepted(model, value) or _differs_only_once_normalised(value), repr(value)
    else:
        assert not _accepted(model, value), repr(value)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("x" * (SMALL + 1), "string_too_long"),
        ("   ", "missing"),
        ("a\x00", "control_characters"),
        ("<b>", "markup"),
        ("< / b", "markup"),
        ("<a\u0301", "markup"),  # markup as typed, though not once normalised
        (5, "string_type"),
    ],
)
def test_refused_text_names_the_field_and_the_reason(value: Any, kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _model(required=True)(value=value)
    (error,) = refused.value.errors()
    assert error["type"] == kind
    if kind != "string_type":
        assert "value" in error["msg"]


def test_text_is_stored_normalised_and_trimmed() -> None:
    assert _model(required=True)(value=" e\u0301 ").value == "é"


def test_the_long_and_short_limits_are_the_forms() -> None:
    properties = schemas.RequestIn.model_json_schema()["properties"]
    assert properties["purpose"]["maxLength"] == LONG_TEXT
    assert properties["purpose"]["minLength"] == 1
    assert properties["purpose"]["pattern"] == schemas.REQUIRED_TEXT_PATTERN
    assert properties["statutory_basis_detail"]["maxLength"] == SHORT_TEXT
    assert "minLength" not in properties["statutory_basis_detail"]
    query = schemas.SearchIn.model_json_schema()["properties"]["query"]
    assert query["maxLength"] == schemas.SEARCH_TEXT == 100


def test_a_long_run_of_spaces_is_checked_in_linear_time() -> None:
    """A regex that can split a string many ways takes time quadratic in its length: 200,000
    characters would take minutes. Linear, they take milliseconds."""
    validator = jsonschema_rs.validator_for(
        {"type": "string", "pattern": schemas.REQUIRED_TEXT_PATTERN}
    )
    spaces = "<" + " " * 200_000
    started = time.perf_counter()
    assert validator.is_valid(spaces + "5")
    assert not validator.is_valid(spaces + "x")
    assert not validator.is_valid(spaces + "5\x00")
    assert not MARKUP.search(spaces + "5")
    assert time.perf_counter() - started < 2


# --- Ids and numbers ----------------------------------------------------------------------------

ID = "0b7e3f4a-8c1d-4e5f-9a2b-3c4d5e6f7a8b"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (ID, True),
        (ID.upper(), True),
        (ID.replace("-", ""), False),
        ("{" + ID + "}", False),
        ("urn:uuid:" + ID, False),
        (ID + "\n", False),
        (7, False),
    ],
)
def test_an_id_is_a_hyphenated_uuid(value: Any, ok: bool) -> None:
    probe = create_model("IdProbe", value=(schemas.Id, ...))
    documented = jsonschema_rs.validator_for(
        probe.model_json_schema()["properties"]["value"], validate_formats=True
    )
    assert _accepted(probe, value) is ok is documented.is_valid(value)


@pytest.mark.parametrize(
    ("value", "ok"), [(3, True), (3.0, True), (3.5, False), ("3", False), (True, False)]
)
def test_a_number_is_a_json_integer(value: Any, ok: bool) -> None:
    probe = create_model("NumberProbe", value=(schemas.Number, ...))
    documented = jsonschema_rs.validator_for(probe.model_json_schema()["properties"]["value"])
    assert _accepted(probe, value) is ok is documented.is_valid(value)
