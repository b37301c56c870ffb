from django.urls import path

from safeshare.requests import views

app_name = "requests"
urlpatterns = [
    path("", views.queue, {"direction": "incoming"}, name="incoming"),
    path("outgoing/", views.queue, {"direction": "outgoing"}, name="outgoing"),
    path("new/", views.new, name="new"),
    path("log/", views.log, name="log"),
    path("<uuid:request_id>/", views.show, name="show"),
    path("<uuid:request_id>/assign/", views.assign, name="assign"),
    path("<uuid:request_id>/respond/", views.respond, name="respond"),
    path("<uuid:request_id>/new-information/", views.new_information, name="new_information"),
    path("<uuid:request_id>/withdraw/", views.withdraw, name="withdraw"),
]
