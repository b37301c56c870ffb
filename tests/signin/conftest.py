from tests.signin.oidc_provider import provider

__all__ = ["provider"]
