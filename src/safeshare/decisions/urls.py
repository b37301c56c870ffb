from django.urls import path

from safeshare.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/<uuid:person_id>/", views.start, name="start"),
    path("<uuid:decision_id>/", views.show, name="show"),
    path("<uuid:decision_id>/print/", views.print_view, name="print"),
    path("<uuid:decision_id>/amend/", views.amend, name="amend"),
    path("<uuid:decision_id>/reconsider/", views.reconsider, name="reconsider"),
    path(
        "<uuid:decision_id>/consent-withdrawn/new/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path(
        "<uuid:decision_id>/consent-withdrawn/check/",
        views.withdraw_consent_check,
        name="withdraw_consent_check",
    ),
    path(
        "<uuid:decision_id>/consent-withdrawn/", views.consent_withdrawn, name="consent_withdrawn"
    ),
    path("<uuid:decision_id>/tasks/", views.tasks, name="tasks"),
    path("<uuid:decision_id>/people/", views.people, name="people"),
    path("<uuid:decision_id>/questions/<slug:question_id>/", views.question, name="question"),
    path("<uuid:decision_id>/outcome/", views.outcome, name="outcome"),
    path("<uuid:decision_id>/items/", views.items, name="items"),
    path("<uuid:decision_id>/items/new/", views.item, name="item_new"),
    path("<uuid:decision_id>/items/<uuid:item_id>/", views.item, name="item"),
    path("<uuid:decision_id>/items/<uuid:item_id>/remove/", views.item_remove, name="item_remove"),
    path("<uuid:decision_id>/check/", views.check, name="check"),
    path("<uuid:decision_id>/discard/", views.discard, name="discard"),
    path("<uuid:decision_id>/<slug:section>/", views.section, name="section"),
]
