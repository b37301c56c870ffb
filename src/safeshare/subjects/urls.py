from django.urls import path

from safeshare.subjects import views

app_name = "subjects"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.new, name="new"),
    path("<uuid:person_id>/", views.show, name="show"),
]
