from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("requests/", views.data_request_queue, name="queue"),
    path("requests/<id:request_id>/decide/", views.data_request_decide, name="decide"),
    path("customers/<id:customer_id>/reveal/<str:field>/", views.pii_reveal, name="reveal"),
    path("customers/<id:customer_id>/requests/", views.data_request_create, name="request_create"),
    path("customers/<id:customer_id>/export/", views.customer_export, name="export"),
    path("customers/<id:customer_id>/history/", views.customer_history, name="history"),
]
