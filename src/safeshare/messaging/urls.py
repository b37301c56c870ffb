from django.urls import path

from safeshare.messaging import views

app_name = "messaging"
urlpatterns = [
    path("failed/", views.failed, name="failed"),
]
