from django.urls import path

from safeshare.core import views

app_name = "core"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
