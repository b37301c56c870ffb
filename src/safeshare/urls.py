from django.contrib import admin
from django.urls import include, path

from safeshare.api.api import urls as api_urls
from safeshare.core import views as core_views

urlpatterns = [
    path("", include("safeshare.site.urls")),
    path("", include("safeshare.core.urls")),
    path("", include("safeshare.signin.urls")),
    path("", include("safeshare.consent.urls")),
    path("people/", include("safeshare.site.people_urls")),
    path("decisions/", include("safeshare.decisions.urls")),
    path("advice/", include("safeshare.advice.urls")),
    path("families/", include("safeshare.families.urls")),
    path("requests/", include("safeshare.requests.urls")),
    path("ledger/", include("safeshare.ledger.urls")),
    path("witness/", include("safeshare.witness.urls")),
    path("access-records/", include("safeshare.audit.urls")),
    path("directory/", include("safeshare.directory.urls")),
    path("agreements/", include("safeshare.agreements.urls")),
    path("account/api-tokens/", include("safeshare.api.urls")),
    path("api/v1/", api_urls()),
    path("disclosures/", include("safeshare.disclosures.urls")),
    path("outside/", include("safeshare.outside.urls")),
    path("federation/", include("safeshare.federation.urls")),
    path("policies/", include("safeshare.policies.urls")),
    path("subject-access/", include("safeshare.subject_access.urls")),
    path("figures/", include("safeshare.figures.urls")),
    path("messages/", include("safeshare.messaging.urls")),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
