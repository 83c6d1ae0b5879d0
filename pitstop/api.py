from csp.decorators import csp_exempt
from ninja import NinjaAPI

from accounts.api import router as auth_router
from appointments.api import router as appointments_router
from complaints.api import contacts_router as complaint_contacts_router
from complaints.api import red_alerts_router as complaint_red_alerts_router
from complaints.api import router as complaints_router
from core.api import AUTH, TextParser, install_error_handlers
from customers.api import interactions_router
from customers.api import router as customers_router
from dataio.api import exports_router as dataio_exports_router
from dataio.api import router as dataio_router
from followups.api import answers_router as survey_answers_router
from followups.api import router as followups_router
from followups.api import surveys_router
from handover.api import router as handover_router
from kpis.api import router as kpis_router
from leads.api import router as leads_router
from loyalty.api import router as loyalty_router
from messaging.api import router as messaging_router
from privacy.api import customer_router as privacy_customer_router
from privacy.api import router as data_requests_router
from reminders.api import router as reminders_router
from reminders.api import vehicle_router as vehicle_reminders_router
from showroom.api import router as showroom_router
from tasks.api import router as tasks_router
from vehicles.api import router as vehicles_router
from workshop.api import router as workshop_router

# The Swagger page ships its own inline bootstrap script; it alone is exempt from the CSP.
api = NinjaAPI(
    title="Pitstop API",
    version="1",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=csp_exempt(),
    parser=TextParser(),
)
install_error_handlers(api)


@api.get("/ping", auth=None, tags=["health"])
def ping(request):
    """A bare endpoint through the same stack, the yardstick for the benchmark."""
    return {"ok": True}


api.add_router("/auth", auth_router)
api.add_router("/customers", customers_router)
api.add_router("/vehicles", vehicles_router)
api.add_router("/interactions", interactions_router)
api.add_router("/customers", privacy_customer_router)
api.add_router("/data-requests", data_requests_router)
api.add_router("/vehicles", vehicle_reminders_router)
api.add_router("/reminders", reminders_router)
api.add_router("/tasks", tasks_router)
api.add_router("/messaging", messaging_router)
api.add_router("/complaints", complaints_router)
api.add_router("/contacts", complaint_contacts_router)
api.add_router("/red-alerts", complaint_red_alerts_router)
api.add_router("/follow-ups", followups_router)
api.add_router("/surveys", surveys_router)
api.add_router("/survey-answers", survey_answers_router)
api.add_router("/appointments", appointments_router)  # appointments: add more routers of this app below
api.add_router("/repair-orders", workshop_router)  # workshop: add more routers of this app below
api.add_router("/showroom", showroom_router)  # showroom: add more routers of this app below
api.add_router("/handover", handover_router)  # handover: add more routers of this app below
api.add_router("/leads", leads_router)  # leads: add more routers of this app below
api.add_router("/loyalty", loyalty_router)  # loyalty: add more routers of this app below
api.add_router("/kpis", kpis_router)  # kpis: add more routers of this app below
api.add_router("/imports", dataio_router)  # dataio: add more routers of this app below
api.add_router("/exports", dataio_exports_router)
