"""Reads of the vehicle archive, scoped to the acting user's stores."""

from django.db.models import QuerySet

from core.scoping import get_scoped_or_404, scoped
from vehicles.models import OdometerReading, Vehicle


def vehicle_list(*, user, customer_id: int | None = None) -> QuerySet:
    queryset = scoped(Vehicle.objects, user).select_related("owner").order_by("-id")
    if customer_id is not None:
        queryset = queryset.filter(owner_id=customer_id)
    return queryset


def vehicle_get(*, user, vehicle_id: int) -> Vehicle:
    return get_scoped_or_404(Vehicle.objects.select_related("owner", "driver"), user, pk=vehicle_id)


def odometer_history(*, vehicle: Vehicle) -> QuerySet:
    return OdometerReading.objects.filter(vehicle=vehicle).order_by("read_on", "id")
