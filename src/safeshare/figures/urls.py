from django.urls import path

from safeshare.figures import views

app_name = "figures"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>.csv", views.table_csv, name="csv"),
]
