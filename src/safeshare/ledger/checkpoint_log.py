"""The checkpoint log: every checkpoint the service signs, also kept in a file outside the
database (SAFESHARE_LEDGER_CHECKPOINT_LOG), so a database restored or rolled back on its
own is caught by `safeshare ledger verify --against` that file.

The file is a sequence of signed notes, each followed by a blank line (a note's own blank
line separates its text from its signature lines, which start with an em dash). Notes
are appended only after the transaction that signed them commits, in one write under an
exclusive lock on the file (several processes of one server append at once), and
fsync'd before the signer goes on. No Django here beyond reading the setting.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

__all__ = ["LogError", "append", "configured_path", "split_notes"]

_SIGNATURE = "\u2014 "


class LogError(ValueError):
    """A checkpoint log that cannot be read as notes."""


def configured_path() -> Path | None:
    from django.conf import settings

    value = settings.SAFESHARE_LEDGER_CHECKPOINT_LOG
    return None if value is None else Path(value)


def append(path: Path, note: str) -> None:
    """Append one signed note and a blank line, durably. Raises OSError."""
    data = (note if note.endswith("\n") else note + "\n").encode("utf-8") + b"\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        # O_APPEND puts every write at the end; the lock keeps one process's note whole
        # should a write ever be split, and is released when the file is closed.
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        new_file = os.fstat(descriptor).st_size == 0
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if new_file:
        # The file's name must survive a power cut too, not only its contents.
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def split_notes(text: str) -> list[tuple[int, str]]:
    """The notes in a checkpoint log (or a file holding one note), each with the line it
    starts on. Raises LogError for text that is not notes one after another, naming the
    line: a log is evidence, so nothing in it is skipped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    notes: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i] != "":
            if lines[i].startswith(_SIGNATURE):
                raise LogError(f"line {i + 1}: a signature line with no note text before it")
            i += 1
        body = lines[start:i]
        i += 1  # the note's own blank line
        signatures = []
        while i < len(lines) and lines[i].startswith(_SIGNATURE):
            signatures.append(lines[i])
            i += 1
        if not signatures:
            raise LogError(
                f"line {start + 1}: the note starting here has no signature lines "
                "(cut short, or not a signed note)"
            )
        if i < len(lines) and lines[i] != "":
            raise LogError(f"line {i + 1}: a note must be followed by a blank line")
        notes.append((start + 1, "\n".join(body) + "\n\n" + "\n".join(signatures) + "\n"))
    if not notes:
        raise LogError("it holds no signed note")
    return notes
