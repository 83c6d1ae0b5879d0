from ninja import NinjaAPI

from accounts.api import router as auth_router
from core.api import AUTH, install_error_handlers
from customers.api import interactions_router
from customers.api import router as customers_router
from vehicles.api import router as vehicles_router

api = NinjaAPI(title="Pitstop API", version="1", auth=AUTH, urls_namespace="api", docs_url="/docs")
install_error_handlers(api)


@api.get("/ping", auth=None, tags=["health"])
def ping(request):
    """A bare endpoint through the same stack, the yardstick for the benchmark."""
    return {"ok": True}


api.add_router("/auth", auth_router)
api.add_router("/customers", customers_router)
api.add_router("/vehicles", vehicles_router)
api.add_router("/interactions", interactions_router)
