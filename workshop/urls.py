from django.urls import path

from workshop import views

app_name = "workshop"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("mine/", views.my_jobs, name="mine"),
    path("new/", views.order_new, name="new"),
    path("<id:order_id>/", views.order_detail, name="detail"),
    path("<id:order_id>/bill/", views.order_bill, name="bill"),
    path("<id:order_id>/record/", views.order_record, name="record"),
    path("<id:order_id>/plan/", views.order_plan, name="plan"),
    path("<id:order_id>/items/", views.order_item_add, name="item_add"),
    path("<id:order_id>/items/<id:item_id>/", views.order_item_update, name="item_update"),
    path("<id:order_id>/items/<id:item_id>/remove/", views.order_item_remove, name="item_remove"),
    path("<id:order_id>/approve/", views.order_approve, name="approve"),
    path("<id:order_id>/start/", views.order_start, name="start"),
    path("<id:order_id>/submit-qc/", views.order_submit_qc, name="submit_qc"),
    path("<id:order_id>/qc/", views.order_qc, name="qc"),
    path("<id:order_id>/deliver/", views.order_deliver, name="deliver"),
    path("<id:order_id>/close/", views.order_close, name="close"),
    path("<id:order_id>/cancel/", views.order_cancel, name="cancel"),
    path("customers/<id:customer_id>/card/", views.customer_card, name="customer_card"),
]
