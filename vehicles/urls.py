from django.urls import path

from vehicles import views

app_name = "vehicles"
urlpatterns = [
    path("", views.vehicle_list, name="list"),
    path("new/for/<int:customer_id>/", views.vehicle_create, name="create"),
    path("<int:vehicle_id>/edit/", views.vehicle_edit, name="edit"),
    path("<int:vehicle_id>/odometer/", views.odometer_add, name="odometer_add"),
]
