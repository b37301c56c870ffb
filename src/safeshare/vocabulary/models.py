"""The partnership's shared vocabulary: what decisions, requests, agreements and people's
chronologies all speak of, so that none of them has to import another to name it.

The outcome codes are the guidance engine's own (safeshare.guidance); the purposes are the
partnership's list, kept by administrators. These moved here from the decisions app; the
purposes' table keeps its name (decisions_purpose).
"""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    SHARE_URGENTLY = "share_urgently", "Share urgently"
    SHARE = "share", "Share"
    SHARE_WITH_CONSENT = "share_with_consent", "Share with consent"
    SHARE_WITHOUT_CONSENT = "share_without_consent", "Share without consent"
    DO_NOT_SHARE = "do_not_share", "Do not share"
    SEEK_ADVICE = "seek_advice", "Seek advice"


SHARING_OUTCOMES = frozenset(
    {
        Outcome.SHARE_URGENTLY,
        Outcome.SHARE,
        Outcome.SHARE_WITH_CONSENT,
        Outcome.SHARE_WITHOUT_CONSENT,
    }
)


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate: a child may be at risk of harm now"
    URGENT = "urgent", "Urgent: needed within a working day"
    STANDARD = "standard", "Standard"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Telephone"
    SECURE_EMAIL = "secure_email", "Secure email"
    LETTER = "letter", "Letter"
    IN_SYSTEM = "in_system", "Through safeshare"
    MEETING = "meeting", "At a meeting"


class Purpose(models.Model):
    """The partnership's list of purposes for sharing, kept by administrators."""

    name = models.CharField(max_length=200, unique=True)
    hint = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        # The table keeps the name it was created with in the decisions app.
        db_table = "decisions_purpose"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
