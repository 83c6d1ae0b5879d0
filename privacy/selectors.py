from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from accounts.permissions import Perm, require
from core.scoping import get_scoped_or_404, scoped
from customers.models import Consent, Customer, CustomerMobile
from privacy.models import AccessLog, DataSubjectRequest
from vehicles.models import OdometerReading, Vehicle


def data_request_list(*, user, status: str | None = None, customer_id: int | None = None) -> QuerySet:
    queryset = (
        scoped(DataSubjectRequest.objects, user).select_related("customer", "requested_by", "decided_by").order_by("due_on", "id")
    )
    if status:
        queryset = queryset.filter(status=status)
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    return queryset


def data_request_get(*, user, request_id: int) -> DataSubjectRequest:
    return get_scoped_or_404(DataSubjectRequest.objects.select_related("customer"), user, pk=request_id)


def access_log_for(*, user, customer: Customer) -> QuerySet:
    require(user, Perm.AUDIT_VIEW)
    return AccessLog.objects.filter(customer=customer).select_related("actor").order_by("-at", "-id")


def audit_trail_for(*, user, customer: Customer, limit: int = 200) -> list[LogEntry]:
    """Changes to the customer and everything hanging off them: who, when, before → after."""
    require(user, Perm.AUDIT_VIEW)
    related = {
        Customer: [customer.pk],
        CustomerMobile: list(customer.mobiles.values_list("pk", flat=True)),
        Consent: list(customer.consents.values_list("pk", flat=True)),
        Vehicle: list(Vehicle.objects.filter(owner=customer).values_list("pk", flat=True)),
        OdometerReading: list(OdometerReading.objects.filter(vehicle__owner=customer).values_list("pk", flat=True)),
    }
    condition = Q(pk__in=[])
    for model, pks in related.items():
        if pks:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks])
    return list(LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp")[:limit])
