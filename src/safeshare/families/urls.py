from django.urls import path

from safeshare.families import views

app_name = "families"
urlpatterns = [
    path("to-tell/", views.to_tell, name="to_tell"),
    path("<uuid:decision_id>/told/", views.told, name="told"),
    path("<uuid:decision_id>/review/", views.review, name="review"),
]
