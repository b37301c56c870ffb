from django.urls import path

from safeshare.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<uuid:agreement_id>/", views.show, name="show"),
    path("<uuid:agreement_id>/edit/", views.edit, name="edit"),
]
