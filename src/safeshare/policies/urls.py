from django.urls import path

from safeshare.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:policy_id>/<str:version>/activate/", views.activate, name="activate"),
]
