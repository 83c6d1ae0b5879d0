from django.urls import path

from complaints import contact_views

app_name = "contacts"
urlpatterns = [
    path("", contact_views.contact_queue, name="queue"),
    path("new/", contact_views.contact_create, name="create"),
    path("<id:contact_id>/", contact_views.contact_detail, name="detail"),
    path("<id:contact_id>/complaint/", contact_views.contact_to_complaint, name="to_complaint"),
    *(
        path(f"<id:contact_id>/{action}/", contact_views.contact_action, {"action": action}, name=action)
        for action in contact_views.ACTIONS
    ),
]
