from django.urls import path

from safeshare.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_csv, name="import"),
    path("export/", views.export_csv, name="export"),
    path("organisations/<uuid:organisation_id>/", views.organisation, name="organisation"),
    path("organisations/<uuid:organisation_id>/edit/", views.edit_profile, name="edit_profile"),
    path(
        "organisations/<uuid:organisation_id>/contacts/new/",
        views.new_contact,
        name="new_contact",
    ),
    path(
        "organisations/<uuid:organisation_id>/practitioners/new/",
        views.new_practitioner,
        name="new_practitioner",
    ),
    path("contacts/<uuid:contact_id>/edit/", views.edit_contact, name="edit_contact"),
    path("contacts/<uuid:contact_id>/verify/", views.verify_contact, name="verify_contact"),
    path(
        "practitioners/<uuid:practitioner_id>/edit/",
        views.edit_practitioner,
        name="edit_practitioner",
    ),
    path(
        "practitioners/<uuid:practitioner_id>/verify/",
        views.verify_practitioner,
        name="verify_practitioner",
    ),
]
