from django.urls import path

from safeshare.ledger import views

app_name = "ledger"
urlpatterns = [
    # No trailing slash: tlog witnesses and monitors fetch <log URL>/checkpoint.
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("checkpoint/<int:size>", views.checkpoint_at, name="checkpoint_at"),
    path("key", views.key, name="key"),
    path("proof/<uuid:entry_id>/", views.proof, name="proof"),
    path("witnesses/", views.witnesses, name="witnesses"),
]
