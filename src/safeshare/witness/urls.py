from django.urls import path

from safeshare.witness import views

app_name = "witness"
urlpatterns = [
    # tlog-witness: <witness URL>/add-checkpoint, no trailing slash.
    path("add-checkpoint", views.add_checkpoint, name="add_checkpoint"),
]
