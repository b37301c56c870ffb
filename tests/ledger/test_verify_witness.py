"""`safeshare ledger verify --witness-key FILE`: the newest checkpoint must be cosigned."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from safeshare.ledger.actions import sign_checkpoint
from safeshare.ledger.cosignature import WitnessSigner, generate_key, note_text
from safeshare.ledger.models import Cosignature, Entry, SignedCheckpoint, Witness
from safeshare.ledger.witness_verify import Cosigned, check_cosignatures, read_key
from safeshare.ledger.witnessing import add_witness
from tests.ledger.conftest import tamper, verify_failure

pytestmark = pytest.mark.django_db

# 2026-12-03 12:00:00 UTC
COSIGNED_AT = int(datetime.datetime(2026, 12, 3, 12, tzinfo=datetime.UTC).timestamp())


@dataclass
class Party:
    """A witness as the log knows it (its row) and as it is (its signer), and the file
    holding its verifier key that a verifier is given."""

    signer: WitnessSigner
    witness: Witness
    key_file: Path

    def cosign(self, stored: SignedCheckpoint, timestamp: int = COSIGNED_AT) -> Cosignature:
        """Store its cosignature of `stored`, as the ledger.witness job does."""
        return self.store(stored, self.line(stored, timestamp))

    def line(self, stored: SignedCheckpoint, timestamp: int = COSIGNED_AT) -> str:
        return self.signer.cosign(note_text(stored.note), timestamp).rstrip("\n")

    def store(self, stored: SignedCheckpoint, line: str) -> Cosignature:
        return Cosignature.objects.create(
            witness=self.witness, size=stored.size, line=line, received_at=timezone.now()
        )


def _party(tmp_path: Path, name: str) -> Party:
    """A witness registered with `ledger add-witness`'s action, its key file beside."""
    signer_key, verifier_key = generate_key(name)
    key_file = tmp_path / f"{name}.pub"
    key_file.write_text(verifier_key + "\n")
    witness = add_witness(name=name, url=f"https://{name}/witness", key=verifier_key)
    return Party(WitnessSigner.from_key_string(signer_key), witness, key_file)


@pytest.fixture
def witnesses(append: Callable[..., Entry], tmp_path: Path) -> dict[str, Party]:
    for _ in range(5):
        append()
    return {name: _party(tmp_path, name) for name in ("w1.example", "w2.example")}


@pytest.fixture
def w1(witnesses: dict[str, Party]) -> Party:
    return witnesses["w1.example"]


@pytest.fixture
def w2(witnesses: dict[str, Party]) -> Party:
    return witnesses["w2.example"]


@pytest.fixture
def newest(witnesses: dict[str, Party]) -> SignedCheckpoint:
    """The newest signed checkpoint: five entries and the two witnesses' entries."""
    return sign_checkpoint()


def _args(*key_files: Path) -> list[str]:
    args: list[str] = []
    for key_file in key_files:
        args += ["--witness-key", str(key_file)]
    return args


def _problems(*key_files: Path) -> list[str]:
    """The lines of the failure after its heading (exit code 1, checked by verify_failure)."""
    message = verify_failure(*_args(*key_files)).splitlines()
    assert message[0] == "Ledger verification FAILED:"
    return message[1:]


def _counts() -> tuple[int, int, int]:
    return Entry.objects.count(), SignedCheckpoint.objects.count(), Cosignature.objects.count()


def test_it_passes_a_checkpoint_cosigned_by_each_witness_named(
    newest: SignedCheckpoint, w1: Party, w2: Party, capsys: pytest.CaptureFixture[str]
) -> None:
    assert newest.size == 7
    w1.cosign(newest)
    w2.cosign(newest, COSIGNED_AT + 61)
    before = _counts()
    call_command("ledger", "verify", *_args(w1.key_file, w2.key_file))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Ledger verified: 7 entries")
    assert out[1:] == [
        "cosigned by w1.example at size 7, 2026-12-03 12:00:00 UTC",
        "cosigned by w2.example at size 7, 2026-12-03 12:01:01 UTC",
    ]
    assert _counts() == before  # nothing signed, appended or stored


def test_it_is_the_rule_the_command_calls(newest: SignedCheckpoint, w1: Party) -> None:
    w1.cosign(newest)
    outcome = check_cosignatures([read_key(str(w1.key_file))])
    assert outcome.ok
    assert outcome.cosigned == [Cosigned("w1.example", 7, COSIGNED_AT)]


def test_it_fails_when_a_witness_has_not_cosigned(newest: SignedCheckpoint, w1: Party) -> None:
    assert _problems(w1.key_file) == [
        f"witness w1.example (key file {w1.key_file}) has not cosigned the newest "
        "checkpoint (size 7)"
    ]


def test_it_fails_on_a_cosignature_whose_signature_was_changed(
    newest: SignedCheckpoint, w1: Party
) -> None:
    line = w1.line(newest)
    prefix, b64 = line.rsplit(" ", 1)
    blob = bytearray(base64.b64decode(b64))
    blob[-1] ^= 0x01  # a bit of the Ed25519 signature itself; key ID and time untouched
    # Inserting is what the write-once triggers allow: no need to drop them.
    w1.store(newest, f"{prefix} {base64.b64encode(bytes(blob)).decode()}")
    assert _problems(w1.key_file) == [
        f"witness w1.example (key file {w1.key_file}): its cosignature on the newest "
        "checkpoint (size 7) does not verify: the stored line has been altered"
    ]


def test_it_fails_on_a_cosignature_of_another_checkpoint_stored_at_this_size(
    newest: SignedCheckpoint, w1: Party
) -> None:
    other = newest.note.replace("\n7\n", "\n8\n", 1)
    w1.store(newest, w1.signer.cosign(note_text(other), COSIGNED_AT).rstrip("\n"))
    assert "the stored line has been altered" in _problems(w1.key_file)[0]


def test_it_names_a_key_file_holding_another_key(
    newest: SignedCheckpoint, w1: Party, tmp_path: Path
) -> None:
    w1.cosign(newest)
    wrong = tmp_path / "wrong.pub"
    wrong.write_text(generate_key("w1.example")[1] + "\n")  # same name, another key
    assert _problems(wrong) == [
        f"witness w1.example (key file {wrong}): the cosignature named w1.example on the "
        f"newest checkpoint (size 7) is by another key than the one in {wrong}"
    ]


def test_it_names_a_key_file_of_a_witness_that_has_never_cosigned(
    newest: SignedCheckpoint, w1: Party, tmp_path: Path
) -> None:
    w1.cosign(newest)
    stranger = tmp_path / "stranger.pub"
    stranger.write_text(generate_key("stranger.example")[1] + "\n")
    assert _problems(stranger) == [
        f"witness stranger.example (key file {stranger}) has not cosigned the newest "
        "checkpoint (size 7)"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "Cannot read the witness key file '{path}': No such file or directory"),
        (
            "not a key\n",
            "The witness key file '{path}' does not hold a cosignature/v1 verifier key",
        ),
        ("signer", "The witness key file '{path}' holds a signer (private) key"),
    ],
)
def test_it_refuses_a_key_file_it_cannot_use_before_verifying(
    newest: SignedCheckpoint, tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "witness.pub"
    if content == "signer":
        path.write_text(generate_key("w9.example")[0] + "\n")
    elif content is not None:
        path.write_text(content)
    message = verify_failure("--witness-key", str(path))
    assert message.startswith(expected.format(path=path))
    assert "\n" not in message


def test_it_does_not_count_a_cosignature_on_an_older_size(
    newest: SignedCheckpoint, w1: Party, append: Callable[..., Entry]
) -> None:
    w1.cosign(newest)
    append()
    assert sign_checkpoint().size == 8
    assert _problems(w1.key_file) == [
        f"witness w1.example (key file {w1.key_file}) has cosigned only an older checkpoint "
        "(size 7), not the newest (size 8); a cosignature on an older size does not count"
    ]


def test_it_passes_when_the_newest_is_cosigned_as_well_as_older_ones(
    newest: SignedCheckpoint,
    w1: Party,
    append: Callable[..., Entry],
    capsys: pytest.CaptureFixture[str],
) -> None:
    w1.cosign(newest)
    append()
    w1.cosign(sign_checkpoint(), COSIGNED_AT + 300)
    call_command("ledger", "verify", *_args(w1.key_file))
    assert capsys.readouterr().out.splitlines()[1:] == [
        "cosigned by w1.example at size 8, 2026-12-03 12:05:00 UTC"
    ]


def test_it_names_only_the_witness_missing_of_two(
    newest: SignedCheckpoint, w1: Party, w2: Party
) -> None:
    w1.cosign(newest)
    problems = _problems(w1.key_file, w2.key_file)
    assert problems == [
        f"witness w2.example (key file {w2.key_file}) has not cosigned the newest "
        "checkpoint (size 7)"
    ]


def test_another_witness_damaged_line_does_not_fail_this_one(
    newest: SignedCheckpoint, w1: Party, w2: Party, capsys: pytest.CaptureFixture[str]
) -> None:
    w1.cosign(newest)
    w2.store(newest, "\u2014 w2.example not-base64")
    call_command("ledger", "verify", *_args(w1.key_file))
    assert "cosigned by w1.example at size 7" in capsys.readouterr().out
    assert "altered" in _problems(w2.key_file)[0]


def test_it_fails_when_no_checkpoint_is_signed(tmp_path: Path, db: None) -> None:
    key_file = tmp_path / "w1.pub"
    key_file.write_text(generate_key("w1.example")[1] + "\n")
    assert _problems(key_file) == [
        f"witness w1.example (key file {key_file}): no signed checkpoint is stored, so "
        "there is none it can have cosigned"
    ]
    assert SignedCheckpoint.objects.count() == 0


def test_witness_problems_follow_the_ledger_s_own(newest: SignedCheckpoint, w1: Party) -> None:
    tamper("UPDATE ledger_entry SET event_type = 'subjects.person.removed' WHERE sequence = 2")
    assert _problems(w1.key_file) == [
        "entry 2: entry edited (leaf hash does not match its content)",
        f"witness w1.example (key file {w1.key_file}) has not cosigned the newest "
        "checkpoint (size 7)",
    ]
