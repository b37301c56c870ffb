from django.urls import path

from safeshare.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.report, name="report"),
    path("people/<uuid:person_id>/", views.person_views, name="person_views"),
]
