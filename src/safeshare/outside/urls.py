from django.urls import path

from safeshare.outside import views

app_name = "outside"
urlpatterns = [
    path("send/<uuid:decision_id>/", views.send, name="send"),
    path("phoned/<uuid:disclosure_id>/", views.phoned, name="phoned"),
    path("<str:token>/", views.code, name="code"),
    path("<str:token>/disclosure/", views.show, name="show"),
    path("<str:token>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<str:token>/pdf/", views.pdf, name="pdf"),
]
