"""Token lookups, scoped to their owner: someone else's token is a 404."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.api.models import ApiToken
from safeshare.api.permissions import can_hold_token


def tokens_for_user(user: User) -> QuerySet[ApiToken]:
    if not can_hold_token(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk).select_related("user")


def get_token_for_user(user: User, token_id: UUID | str) -> ApiToken:
    try:
        return tokens_for_user(user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such token") from exc
