from django.urls import path

from safeshare.api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/token/", views.created, name="created"),
    path("<uuid:token_id>/revoke/", views.revoke, name="revoke"),
]
