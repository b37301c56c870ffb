from django.urls import reverse

from tests.access import Rule

SIGNED_IN = {"auditor": 200, "administrator": 200}

RULES = {
    "accounts:sign_in": [
        Rule("get", lambda w: reverse("accounts:sign_in"), 302, 302, anonymous=200)
    ],
    # Single sign-on (issue 18): open to anyone. The matrix's organisation has no provider
    # set up (a clear 404 page), and a callback without a state it started is refused.
    "accounts:sso_start": [
        Rule(
            "get",
            lambda w: reverse("accounts:sso_start", args=[w.person.organisation_id]),
            404,
            404,
            anonymous=404,
            roles={"auditor": 404, "administrator": 404},
        )
    ],
    "accounts:sso_callback": [
        Rule(
            "get",
            lambda w: reverse("accounts:sso_callback") + "?code=x&state=unknown",
            400,
            400,
            anonymous=400,
            roles={"auditor": 400, "administrator": 400},
        )
    ],
    "accounts:signed_out": [
        Rule(
            "get",
            lambda w: reverse("accounts:signed_out"),
            200,
            200,
            anonymous=200,
            roles={"auditor": 200, "administrator": 200},
        )
    ],
    "accounts:sign_out": [
        Rule("post", lambda w: reverse("accounts:sign_out"), 200, 200, anonymous=302)
    ],
    # Already verified (the matrix signs in with a second factor): back to the start.
    "accounts:mfa_verify": [
        Rule("get", lambda w: reverse("accounts:mfa_verify"), 302, 302),
        Rule("post", lambda w: reverse("accounts:mfa_verify"), 302, 302),
    ],
    # Anyone signed in may replace their own authenticator (after entering its code).
    "accounts:mfa_setup": [
        Rule("get", lambda w: reverse("accounts:mfa_setup"), 200, 200, roles=SIGNED_IN),
        Rule(
            "post",
            lambda w: reverse("accounts:mfa_setup"),
            200,
            200,
            roles=SIGNED_IN,
            data=lambda w: {"code": "000000"},
        ),
    ],
    # Anyone signed in changes their own password; an empty form is answered with errors.
    "accounts:password_change": [
        Rule("get", lambda w: reverse("accounts:password_change"), 200, 200, roles=SIGNED_IN),
        Rule("post", lambda w: reverse("accounts:password_change"), 200, 200, roles=SIGNED_IN),
    ],
    "accounts:mfa_recovery_codes": [
        Rule("get", lambda w: reverse("accounts:mfa_recovery_codes"), 200, 200, roles=SIGNED_IN)
    ],
    "accounts:keep_alive": [
        Rule(
            "post",
            lambda w: reverse("accounts:keep_alive"),
            204,
            204,
            roles={
                "auditor": 204,
                "administrator": 204,
            },
        ),
        Rule(
            "get",
            lambda w: reverse("accounts:keep_alive"),
            405,
            405,
            roles={
                "auditor": 405,
                "administrator": 405,
            },
        ),
    ],
}
