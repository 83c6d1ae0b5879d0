from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("escalations/", views.escalation_inbox, name="inbox"),
    path("analysis/", views.complaint_analysis, name="analysis"),
    path("red-alerts/banner/", views.red_alert_banner, name="red_alert_banner"),
    path("red-alerts/<id:alert_id>/acknowledge/", views.red_alert_acknowledge, name="red_alert_acknowledge"),
    path("<id:complaint_id>/", views.complaint_detail, name="detail"),
    *(path(f"<id:complaint_id>/{action}/", views.complaint_action, {"action": action}, name=action) for action in views.ACTIONS),
]
