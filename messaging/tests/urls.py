"""The messaging router under /api/messaging with the project's auth and error shape, so these tests
do not depend on how pitstop/api.py mounts it."""

from django.urls import path
from ninja import NinjaAPI

from core.api import AUTH, install_error_handlers
from messaging.api import router

api = NinjaAPI(title="messaging tests", auth=AUTH, urls_namespace="messaging_test_api")
install_error_handlers(api)
api.add_router("/messaging", router)

urlpatterns = [path("api/", api.urls)]
