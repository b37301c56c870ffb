"""The API's operations, one django-ninja Router per domain, mounted by safeshare.api.api
(which holds the NinjaAPI, its token auth, rate limit and error answers)."""
