from django.urls import path

from safeshare.subject_access import views

app_name = "subject_access"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.find_person, name="find_person"),
    path("new/<uuid:person_id>/", views.new, name="new"),
    path("<uuid:sar_id>/", views.show, name="show"),
    path("<uuid:sar_id>/extend/", views.extend, name="extend"),
    path("<uuid:sar_id>/items/<uuid:item_id>/redact/", views.redact, name="redact"),
    path("<uuid:sar_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<uuid:sar_id>/pack/", views.pack, name="pack"),
    path("<uuid:sar_id>/pack.csv", views.pack_csv_file, name="pack_csv"),
    path("<uuid:sar_id>/pack.pdf", views.pack_pdf_file, name="pack_pdf"),
]
