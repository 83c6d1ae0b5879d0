from django.urls import path

from kpis import views

app_name = "kpis"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("refresh/", views.rollup_now, name="refresh"),
    path("m/<slug:key>/", views.kpi_drill, name="drill"),
    path("export/<slug:table>.<slug:fmt>", views.kpi_export, name="export"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<id:action_id>/", views.action_detail, name="action"),
    path("review/", views.monthly_review, name="review"),
    path("incentives/", views.incentive_report, name="incentives"),
]
