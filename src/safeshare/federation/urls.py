from django.urls import path

from safeshare.federation import views

app_name = "federation"

urlpatterns = [
    path("inbox", views.inbox, name="inbox"),
    path("received/", views.received, name="received"),
    path("received/<uuid:disclosure_id>/", views.received_show, name="received_show"),
    path(
        "received/<uuid:disclosure_id>/acknowledge/",
        views.received_acknowledge,
        name="received_acknowledge",
    ),
    path("decisions/<uuid:decision_id>/send/", views.send, name="send"),
    path("sent/<uuid:disclosure_id>/", views.sent_show, name="sent_show"),
    path("sent/<uuid:disclosure_id>/revoke/", views.sent_revoke, name="sent_revoke"),
]
