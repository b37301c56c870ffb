"""A log (note key and leaves) and this deployment's witness key, for add-checkpoint."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import pytest

from safeshare.ledger import cosignature, merkle
from safeshare.ledger.checkpoint import Checkpoint, Signer, generate_signer_key, sign_checkpoint
from safeshare.witness import actions

ORIGIN = "log.example/test"


@dataclass
class FakeLog:
    signer: Signer
    verifier_key: str
    leaves: list[bytes] = field(default_factory=list)

    def grow(self, n: int) -> None:
        start = len(self.leaves)
        self.leaves += [merkle.leaf_hash(f"e{start + i}".encode()) for i in range(n)]

    def note(self, size: int | None = None, leaves: list[bytes] | None = None) -> str:
        leaves = self.leaves if leaves is None else leaves
        size = len(leaves) if size is None else size
        cp = Checkpoint(ORIGIN, size, merkle.tree_root(leaves[:size]))
        return sign_checkpoint(cp, self.signer)

    def request(self, old: int, note: str | None = None, proof: list[bytes] | None = None) -> bytes:
        if proof is None:
            proof = merkle.consistency_proof(self.leaves, old) if old else []
        lines = [f"old {old}", *(base64.b64encode(p).decode() for p in proof)]
        return ("\n".join(lines) + "\n\n" + (note or self.note())).encode()


@pytest.fixture
def witness_key(settings: Any) -> cosignature.WitnessVerifier:
    signer_key, verifier_key = cosignature.generate_key("witness.example")
    settings.SAFESHARE_WITNESS_KEY = signer_key
    return cosignature.WitnessVerifier.from_key_string(verifier_key)


@pytest.fixture
def log(db: None, witness_key: cosignature.WitnessVerifier) -> FakeLog:
    signer_key, verifier_key = generate_signer_key(ORIGIN)
    actions.add_log(origin=ORIGIN, key=verifier_key)
    return FakeLog(Signer.from_key_string(signer_key), verifier_key)
