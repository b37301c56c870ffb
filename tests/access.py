"""The access table: every URL the service has, with the status each kind of visitor gets.

Each app keeps its rules in `tests/<app>/access.py` as `RULES: dict[url name, list[Rule]]`;
`tests/test_access.py` walks every URL pattern and fails on one without a rule.

Each rule is tried as every role of the owning organisation, as a practitioner of another
organisation and anonymously. `own` is what the owning organisation's practitioner gets;
the other case roles (manager, IG lead) get the same unless `roles` says otherwise, and
the non-case roles (auditor, administrator) get what `other` gets unless `roles` says
otherwise: without a case role they see no more than an outsider.

"recipient" and "revoked_recipient" are a practitioner of a third organisation named as the
recipient of a disclosure from the owning organisation's finalised decision
(tests/disclosures/access.py), before and after it is revoked. They get what `other` gets
unless `roles` says otherwise; a rule whose page legitimately shows the shared subject to
the recipient says `shows_shared_subject=True`, and only there may "recipient" see them.

"outside_recipient", "revoked_outside_recipient" and "expired_outside_recipient" are the
recipient outside safeshare of tests/outside/access.py's disclosure: no account, a browser
session in which its link's code was entered; before revocation, after it, and after the
link expired (with the session kept alive, so the link's own expiry is what refuses). They
get what `anonymous` gets unless `roles` says otherwise; only where
`shows_outside_recipient=True` may "outside_recipient" see the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class World:
    """What a rule can point at: records of the owning organisation."""

    person: Any
    decision: Any  # a draft decision about `person`
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    method: str
    url: Callable[[World], str]
    own: int  # a practitioner of the owning organisation
    other: int  # a practitioner of another organisation
    anonymous: int = 302  # sent to sign in
    data: Callable[[World], dict[str, Any]] | None = None
    # Per-role overrides: "practitioner", "manager", "ig_lead", "auditor", "administrator",
    # "recipient", "revoked_recipient", "outside_recipient", "revoked_outside_recipient",
    # "expired_outside_recipient".
    roles: dict[str, int] = field(default_factory=dict)
    # The page shows a disclosure's content to its recipient: the no-leak check skips
    # "recipient" here (never "revoked_recipient").
    shows_shared_subject: bool = False
    # The same for the recipient outside safeshare, with its link and code.
    shows_outside_recipient: bool = False
    # Text that must not appear in the response for any visitor at all (for example the
    # items of an in-system response on the request page: only the disclosure shows them).
    hides: Callable[[World], str] | None = None
    # "token": an API operation. The visitor sends a personal API token of their own
    # (Authorization: Bearer) instead of signing in, `data` goes as a JSON body on a POST,
    # and an anonymous caller gets 401 (set anonymous=401).
    auth: str = "session"

    def expected(self, who: str) -> int:
        if who in self.roles:
            return self.roles[who]
        if who in {"own", "practitioner", "manager", "ig_lead"}:
            return self.own
        if who in {"other", "auditor", "administrator", "recipient", "revoked_recipient"}:
            return self.other
        return self.anonymous
