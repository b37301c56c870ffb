"""Every lookup of a person goes through here, scoped to what the user may see."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.subjects.identifiers import normalise_nhs_number
from safeshare.subjects.models import Person


def people_for_user(user: User) -> QuerySet[Person]:
    """The person records this user's organisation holds; nothing for other roles."""
    if not can_view_case_records(user):
        return Person.objects.none()
    return Person.objects.filter(organisation_id=user.organisation_pk())


def get_person_for_user(user: User, person_id: UUID | str) -> Person:
    """The person, or 404 when it is not this user's to see: another agency's record is
    indistinguishable from one that does not exist."""
    try:
        return people_for_user(user).get(pk=person_id)
    except (Person.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such person") from exc


def search_people(user: User, query: str) -> QuerySet[Person]:
    """By name (each word must match a given or family name) or by identifier."""
    people = people_for_user(user)
    query = query.strip()
    if not query:
        return people.none()
    identifier = normalise_nhs_number(query)
    by_identifier = Q(identifiers__value__iexact=query.strip())
    if identifier.isdigit():
        by_identifier |= Q(identifiers__value=identifier)
    by_name = Q()
    for word in query.split()[:5]:
        by_name &= (
            Q(given_names__icontains=word)
            | Q(family_name__icontains=word)
            | Q(known_as__icontains=word)
        )
    return people.filter(by_identifier | by_name).distinct().prefetch_related("identifiers")
