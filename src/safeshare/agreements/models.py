"""Information sharing agreements between organisations of the partnership.

An agreement is not needed to share for safeguarding ("not having an agreement must never
be a reason not to share", HM Government 2018), but it records what the parties agreed:
for which purposes, which categories of information and on which lawful bases. The
decision form shows whether one covers a share (`queries.covering`).
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models

from safeshare.accounts.models import Organisation, User
from safeshare.vocabulary.models import Purpose


class InformationCategory(models.TextChoices):
    IDENTITY = "identity", "Identity and contact details"
    FAMILY = "family", "Family, household and relationships"
    EDUCATION = "education", "Education and attendance"
    HEALTH = "health", "Health, including mental health"
    SOCIAL_CARE = "social_care", "Social care and early help involvement"
    SAFEGUARDING = "safeguarding", "Safeguarding concerns and risk assessments"
    CRIMINAL = "criminal", "Criminal offences, allegations and police involvement"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SPECIAL_CATEGORY = (
        "special_category",
        "Other special category data (ethnicity, religion, sexuality)",
    )


class Agreement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_agreements"
    )
    parties = models.ManyToManyField(Organisation, related_name="sharing_agreements")
    purposes = models.ManyToManyField(Purpose, related_name="agreements")
    # InformationCategory values and lawful-basis catalogue ids (guidance/bases.yaml).
    categories = models.JSONField(default=list)
    lawful_bases = models.JSONField(default=list)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    review_on = models.DateField()
    document_url = models.URLField(max_length=500, blank=True)
    document_reference = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review_on", "title"]
        constraints = [
            models.CheckConstraint(
                name="agreements_end_after_start",
                condition=models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: datetime.date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)

    def category_labels(self) -> list[str]:
        labels = dict(InformationCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]
