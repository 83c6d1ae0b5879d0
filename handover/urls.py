from django.urls import path

from handover import views

app_name = "handover"
urlpatterns = [
    path("", views.handover_list, name="list"),
    path("<id:handover_id>/", views.handover_detail, name="detail"),
    path("<id:handover_id>/submit/", views.handover_submit, name="submit"),
    path("<id:handover_id>/confirm/", views.handover_confirm, name="confirm"),
    path("<id:handover_id>/promises/", views.promise_add, name="promise_add"),
    path("<id:handover_id>/corrections/", views.handover_correct, name="correct"),
    path("<id:handover_id>/joint-delivery/", views.joint_delivery, name="joint_delivery"),
    path("<id:handover_id>/first-use/", views.first_use, name="first_use"),
    path("open/<id:vehicle_id>/", views.handover_open, name="open"),
    path("customer/<id:customer_id>/card/", views.customer_card, name="customer_card"),
    path("vehicle/<id:vehicle_id>/promises/", views.vehicle_promises, name="vehicle_promises"),
]
