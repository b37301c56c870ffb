"""Find policy files, read them, and keep the parsed policies.

The shipped policies live beside this module; a partnership adds its own in directories
named by SAFESHARE_POLICY_DIRS (or the web service's setting). A policy id and version may
be defined once only. Parsed policies are cached until `clear_caches`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .catalogue import catalogue
from .compiler import parse_policy
from .model import Policy
from .schema import PolicyError, Problem

DEFAULT_POLICY_ID = "hmg-2024"
SHIPPED_POLICY_DIR = Path(__file__).with_name("policies")
POLICY_DIRS_ENV = "SAFESHARE_POLICY_DIRS"


def load_policy_file(path: Path | str) -> Policy:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    return parse_policy(data, str(path))


def check_policy_file(path: Path | str) -> list[Problem]:
    """Every problem with a policy file, including a clash with a shipped policy."""
    try:
        policy = load_policy_file(path)
    except PolicyError as exc:
        return list(exc.problems) or [Problem(location="", message=str(exc))]
    shipped_dir = SHIPPED_POLICY_DIR.resolve()
    if Path(path).resolve().parent != shipped_dir:
        for shipped in _available(()):
            if (shipped.id, shipped.version) == (policy.id, policy.version):
                return [
                    Problem(
                        location="version",
                        message=f"{policy.id} version {policy.version} is already shipped; "
                        "use your own id or a new version",
                    )
                ]
    return []


def _policy_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


@lru_cache(maxsize=16)
def _available(extra_dirs: tuple[str, ...]) -> tuple[Policy, ...]:
    shipped = [load_policy_file(p) for p in _policy_files(SHIPPED_POLICY_DIR)]
    seen = {(p.id, p.version): p.path for p in shipped}
    extra: list[Policy] = []
    for directory in extra_dirs:
        d = Path(directory)
        if not d.is_dir():
            raise PolicyError("not a directory", path=directory)
        for path in _policy_files(d):
            policy = load_policy_file(path)
            key = (policy.id, policy.version)
            if key in seen:
                raise PolicyError(
                    f"{policy.id} version {policy.version} is already defined in {seen[key]}",
                    [Problem(location="version", message="use your own id or a new version")],
                    str(path),
                )
            seen[key] = policy.path
            extra.append(policy)
    return tuple(sorted(shipped, key=lambda p: (p.id, p.version_key)) + extra)


def _dirs_key(extra_dirs: Iterable[Path | str]) -> tuple[str, ...]:
    return tuple(str(Path(d)) for d in extra_dirs)


def available_policies(extra_dirs: Sequence[Path | str] = ()) -> list[Policy]:
    """The shipped policies and those in the partnership directories, parsed once."""
    return list(_available(_dirs_key(extra_dirs)))


@lru_cache(maxsize=64)
def _load(policy_id: str, version: str | None, extra_dirs: tuple[str, ...]) -> Policy:
    matches = [
        p
        for p in _available(extra_dirs)
        if p.id == policy_id and (version is None or p.version == version)
    ]
    if not matches:
        wanted = policy_id if version is None else f"{policy_id} version {version}"
        raise PolicyError(f"unknown policy {wanted!r}")
    return max(matches, key=lambda p: p.version_key)


def load_policy(
    policy_id: str | None = None,
    *,
    version: str | None = None,
    extra_dirs: Sequence[Path | str] = (),
) -> Policy:
    """The newest version of a policy (or the given version, to re-read an old decision)."""
    return _load(policy_id or DEFAULT_POLICY_ID, version, _dirs_key(extra_dirs))


def policy_dirs_from_env(environ: Mapping[str, str] = os.environ) -> list[Path]:
    return [Path(p) for p in environ.get(POLICY_DIRS_ENV, "").split(os.pathsep) if p]


def clear_caches() -> None:
    """Forget parsed policies, for example after an administrator edits a file."""
    _load.cache_clear()
    _available.cache_clear()
    catalogue.cache_clear()
