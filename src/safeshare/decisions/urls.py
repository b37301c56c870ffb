from django.urls import path

from safeshare.decisions.views import check, questions, record, sections, signoff, withdrawal

app_name = "decisions"
urlpatterns = [
    path("", record.index, name="index"),
    path("start/<uuid:person_id>/", sections.start, name="start"),
    path("sign-off/", signoff.queue, name="sign_off_queue"),
    path("reviews/", signoff.reviews, name="reviews"),
    path("<uuid:decision_id>/sign-off/", signoff.sign_off, name="sign_off"),
    path("<uuid:decision_id>/review/", signoff.review, name="review"),
    path("<uuid:decision_id>/", record.show, name="show"),
    path("<uuid:decision_id>/print/", record.print_view, name="print"),
    path("<uuid:decision_id>/amend/", record.amend, name="amend"),
    path("<uuid:decision_id>/reconsider/", record.reconsider, name="reconsider"),
    path(
        "<uuid:decision_id>/consent-withdrawn/new/",
        withdrawal.withdraw_consent,
        name="withdraw_consent",
    ),
    path(
        "<uuid:decision_id>/consent-withdrawn/check/",
        withdrawal.withdraw_consent_check,
        name="withdraw_consent_check",
    ),
    path(
        "<uuid:decision_id>/consent-withdrawn/",
        withdrawal.consent_withdrawn,
        name="consent_withdrawn",
    ),
    path("<uuid:decision_id>/tasks/", sections.tasks, name="tasks"),
    path("<uuid:decision_id>/people/", sections.people, name="people"),
    path("<uuid:decision_id>/questions/<slug:question_id>/", questions.question, name="question"),
    path("<uuid:decision_id>/outcome/", questions.outcome, name="outcome"),
    path("<uuid:decision_id>/items/", sections.items, name="items"),
    path("<uuid:decision_id>/items/new/", sections.item, name="item_new"),
    path("<uuid:decision_id>/items/<uuid:item_id>/", sections.item, name="item"),
    path(
        "<uuid:decision_id>/items/<uuid:item_id>/remove/", sections.item_remove, name="item_remove"
    ),
    path("<uuid:decision_id>/check/", check.check, name="check"),
    path("<uuid:decision_id>/discard/", record.discard, name="discard"),
    path("<uuid:decision_id>/<slug:section>/", sections.section, name="section"),
]
