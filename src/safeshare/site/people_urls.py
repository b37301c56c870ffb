"""The people pages: the subjects app's records, shown with their chronology and recorded as
reads. The pages live here, above decisions and audit; the URL names keep the `subjects`
namespace they have always had."""

from django.urls import path

from safeshare.site import people, people_import

app_name = "subjects"
urlpatterns = [
    path("", people.search, name="search"),
    path("new/", people.new, name="new"),
    path("import/", people_import.upload, name="import"),
    path("import/confirm/", people_import.confirm, name="import_confirm"),
    path("<uuid:person_id>/", people.show, name="show"),
    path("<uuid:person_id>/chronology.csv", people.chronology_csv, name="chronology_csv"),
    path("<uuid:person_id>/chronology.pdf", people.chronology_pdf, name="chronology_pdf"),
]
