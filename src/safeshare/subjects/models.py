"""People that records are about: children and adult family members."""

from __future__ import annotations

import datetime
import uuid

from django.db import models

from safeshare.accounts.models import Organisation


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult family member"


# A child is anyone under 18 (Children Act 1989 section 105(1); Data Protection Act 2018
# Schedule 1 paragraph 18 speaks of an individual "aged under 18" or "aged 18 or over").
ADULT_AGE = 18


class Person(models.Model):
    """A person record held by one organisation.

    The same child held by two agencies is two records: each organisation sees only its own
    record and what was shared with it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    kind = models.CharField(max_length=16, choices=PersonKind.choices, default=PersonKind.CHILD)
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    known_as = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["organisation", "family_name", "given_names"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def age_on(self, day: datetime.date) -> int | None:
        """Whole years on `day`, or None without a date of birth. Someone born on 29
        February turns a year older on 1 March in other years."""
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_adult_on(self, day: datetime.date) -> bool:
        """18 or over on `day`. Without a date of birth the record's kind says (an adult
        family member is an adult, a child is not)."""
        age = self.age_on(day)
        if age is None:
            return self.kind == PersonKind.ADULT
        return age >= ADULT_AGE

    @property
    def born_text(self) -> str:
        """ ", born 4 May 2016" to tell people with the same name apart in a list."""
        return f", born {self.date_of_birth:%-d %B %Y}" if self.date_of_birth else ""


class IdentifierKind(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique pupil number"
    LOCAL = "local", "Local case reference"


class Identifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(max_length=64)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="identifier_once_per_person"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"
