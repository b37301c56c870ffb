"""The partnership's starting list of purposes for sharing; administrators edit it later in
the admin. Seeded by migration 0004 (and by the browser tests, which empty every table)."""

from __future__ import annotations

from typing import Any

PURPOSES = [
    (
        "Section 47 enquiry (child protection)",
        "Children Act 1989 section 47: a child may be suffering significant harm",
    ),
    ("Section 17 assessment (child in need)", "Children Act 1989 section 17"),
    ("Early help assessment", ""),
    ("Strategy discussion or meeting", ""),
    ("Child protection conference or core group", ""),
    ("Multi-agency risk assessment conference (MARAC)", "Domestic abuse"),
    ("Health care of the child", ""),
    ("Education: attendance, welfare or transition", ""),
    ("Prevention or detection of crime", "Crime and Disorder Act 1998 section 115"),
    ("Other", "Describe the purpose below"),
]


def seed_purposes(model: Any = None) -> None:
    if model is None:
        from safeshare.vocabulary.models import Purpose as model
    for position, (name, hint) in enumerate(PURPOSES):
        model.objects.get_or_create(name=name, defaults={"hint": hint, "position": position})
