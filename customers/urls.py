from django.urls import path

from customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<id:customer_id>/", views.customer_detail, name="detail"),
    path("<id:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<id:customer_id>/interactions/", views.interaction_add, name="interaction_add"),
]
