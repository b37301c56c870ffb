from django.urls import path

from safeshare.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/<uuid:person_id>/", views.start, name="start"),
    path("<uuid:decision_id>/", views.show, name="show"),
    path("<uuid:decision_id>/purpose/", views.purpose, name="purpose"),
    path("<uuid:decision_id>/questions/<slug:question_id>/", views.question, name="question"),
    path("<uuid:decision_id>/check/", views.check, name="check"),
]
