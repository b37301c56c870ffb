from django.urls import path

from safeshare.signin import oidc, views

app_name = "accounts"  # the URL names keep the namespace they were published with
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-in/code/", views.mfa_verify, name="mfa_verify"),
    path("sign-in/sso/callback/", oidc.SingleSignOnCallbackView.as_view(), name="sso_callback"),
    path(
        "sign-in/sso/<uuid:organisation>/", oidc.SingleSignOnStartView.as_view(), name="sso_start"
    ),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/authenticator/", views.mfa_setup, name="mfa_setup"),
    path("account/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
]
