from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="mine"),
    path("<id:task_id>/outcome/", views.task_outcome, name="outcome"),
    path("<id:task_id>/reassign/", views.task_reassign, name="reassign"),
]
