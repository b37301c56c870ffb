from django.urls import path

from safeshare.advice import views

app_name = "advice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ask/<uuid:decision_id>/", views.ask, name="ask"),
    path("<uuid:request_id>/", views.show, name="show"),
    path("<uuid:request_id>/asked/", views.asked, name="asked"),
]
