from django.urls import path

from vehicles import views

app_name = "vehicles"
urlpatterns = [
    path("", views.vehicle_list, name="list"),
    path("new/for/<id:customer_id>/", views.vehicle_create, name="create"),
    path("<id:vehicle_id>/edit/", views.vehicle_edit, name="edit"),
    path("<id:vehicle_id>/odometer/", views.odometer_add, name="odometer_add"),
]
