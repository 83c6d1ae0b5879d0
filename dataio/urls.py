from django.urls import path

from dataio import views

app_name = "dataio"
urlpatterns = [
    path("", views.import_index, name="index"),
    path("imports/<id:batch_id>/", views.batch_detail, name="batch"),
    path("imports/<id:batch_id>/progress/", views.batch_progress, name="progress"),
    path("imports/<id:batch_id>/check/", views.batch_check, name="check"),
    path("imports/<id:batch_id>/commit/", views.batch_commit, name="commit"),
    path("imports/<id:batch_id>/report.csv", views.batch_report, name="report"),
    path("exports/", views.export_page, name="export"),
]
