from django.urls import path

from safeshare.disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("", views.received, name="received"),
    path("send/<uuid:decision_id>/", views.new, name="new"),
    path("send/<uuid:decision_id>/to/<uuid:organisation_id>/", views.compose, name="compose"),
    path("<uuid:disclosure_id>/", views.show, name="show"),
    path("<uuid:disclosure_id>/sent/", views.sent, name="sent"),
    path("<uuid:disclosure_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:disclosure_id>/revoke/", views.revoke, name="revoke"),
]
