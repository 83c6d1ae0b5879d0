"""The customer self-booking page, outside the staff prefix: /book/<store code>/ and /book/s/<signed token>/."""

from django.urls import path

from appointments import public_views

app_name = "booking"
urlpatterns = [
    path("s/<str:token>/", public_views.signed_link, name="signed_link"),
    path("<slug:store_code>/", public_views.booking_page, name="page"),
    path("<slug:store_code>/code/", public_views.code_send, name="code_send"),
    path("<slug:store_code>/verify/", public_views.code_verify, name="code_verify"),
    path("<slug:store_code>/slots/", public_views.slot_list, name="slots"),
    path("<slug:store_code>/cancel/<int:appointment_id>/", public_views.cancel, name="cancel"),
]
