from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from core import views as core_views
from core.urls import IdConverter
from followups import views as followups_views
from pitstop.api import api
from showroom import views as showroom_views
from workshop import views as workshop_views

register_converter(IdConverter, "id")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="customers:list"), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", include("customers.urls")),
    path("vehicles/", include("vehicles.urls")),
    path("privacy/", include("privacy.urls")),
    path("tasks/", include("tasks.urls")),
    path("reminders/", include("reminders.urls")),
    path("complaints/", include("complaints.urls")),
    path("contacts/", include("complaints.contact_urls")),
    path("followups/", include("followups.urls")),
    path("appointments/", include("appointments.urls")),
    path("workshop/", include("workshop.urls")),
    path("showroom/", include("showroom.urls")),
    path("handover/", include("handover.urls")),
    path("leads/", include("leads.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("kpis/", include("kpis.urls")),
    path("dataio/", include("dataio.urls")),
    path("s/<str:token>/", followups_views.survey_page, name="survey_page"),
    path("book/", include("appointments.public_urls")),
    path("pdi/<str:token>/", showroom_views.pdi_report, name="showroom_pdi_report"),
    path("pdi/<str:token>/photos/<int:photo_id>/", showroom_views.pdi_report_photo, name="showroom_pdi_photo"),
    path("p/<str:token>/", workshop_views.progress_page, name="repair_progress_page"),
    path("m/<slug:slug>/", core_views.module_placeholder, name="module"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
