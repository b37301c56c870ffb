from django.urls import path

from safeshare.consent import views

app_name = "consent"
urlpatterns = [
    path("consent/due/", views.due, name="due"),
    path("people/<uuid:person_id>/consent/", views.register, name="register"),
    path("people/<uuid:person_id>/consent/new/", views.new, name="new"),
    path("people/<uuid:person_id>/consent/<uuid:entry_id>/", views.show, name="show"),
    path(
        "people/<uuid:person_id>/consent/<uuid:entry_id>/withdraw/", views.withdraw, name="withdraw"
    ),
    path(
        "people/<uuid:person_id>/consent/<uuid:entry_id>/withdrawn/",
        views.withdrawn,
        name="withdrawn",
    ),
    path("people/<uuid:person_id>/consent/<uuid:entry_id>/review/", views.review, name="review"),
    path("decisions/<uuid:decision_id>/consent/register/", views.choose, name="choose"),
]
