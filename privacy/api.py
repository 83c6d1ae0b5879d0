from ninja import Query, Router, Schema, Status

from core.api import client_ip, paginate
from customers.selectors import customer_get
from privacy import selectors, services
from privacy.schemas import AccessLogOut, AuditEntryOut, DataRequestIn, DataRequestOut, DecisionIn, ReasonIn, RevealIn, RevealOut

router = Router(tags=["privacy"])
customer_router = Router(tags=["privacy"])


@customer_router.post("/{int:customer_id}/reveal", response=RevealOut)
def pii_reveal(request, customer_id: int, payload: RevealIn):
    """Show one full value (mobile, ID number, address); asks a reason and writes the access log."""
    customer = customer_get(user=request.auth, customer_id=customer_id)
    value = services.pii_reveal(
        user=request.auth, customer=customer, field=payload.field, reason=payload.reason, ip_address=client_ip(request)
    )
    return {"field": payload.field, "value": value}


@customer_router.post("/{int:customer_id}/export")
def customer_export(request, customer_id: int, payload: ReasonIn):
    """Everything held about the customer (needs an approved export request); logged."""
    customer = customer_get(user=request.auth, customer_id=customer_id)
    return services.customer_export(user=request.auth, customer=customer, reason=payload.reason, ip_address=client_ip(request))


@customer_router.get("/{int:customer_id}/access-log", response=list[AccessLogOut])
def access_log(request, customer_id: int):
    customer = customer_get(user=request.auth, customer_id=customer_id)
    return list(selectors.access_log_for(user=request.auth, customer=customer)[:200])


@customer_router.get("/{int:customer_id}/history", response=list[AuditEntryOut])
def audit_trail(request, customer_id: int):
    customer = customer_get(user=request.auth, customer_id=customer_id)
    return selectors.audit_trail_for(user=request.auth, customer=customer)


class RequestQuery(Schema):
    status: str | None = None
    customer_id: int | None = None
    limit: int | None = None
    offset: int | None = None


class RequestPage(Schema):
    items: list[DataRequestOut]
    count: int | None
    limit: int
    offset: int


@router.get("", response=RequestPage)
def data_request_list(request, params: Query[RequestQuery]):
    queryset = selectors.data_request_list(user=request.auth, status=params.status, customer_id=params.customer_id)
    return paginate(queryset, params.limit, params.offset)


@router.post("", response={201: DataRequestOut})
def data_request_create(request, payload: DataRequestIn):
    customer = customer_get(user=request.auth, customer_id=payload.customer_id)
    return Status(
        201, services.data_request_create(user=request.auth, customer=customer, kind=payload.kind, details=payload.details)
    )


@router.get("/{int:request_id}", response=DataRequestOut)
def data_request_detail(request, request_id: int):
    return selectors.data_request_get(user=request.auth, request_id=request_id)


@router.post("/{int:request_id}/decision", response=DataRequestOut)
def data_request_decide(request, request_id: int, payload: DecisionIn):
    """A store manager approves (erasure runs at once) or rejects a request."""
    data_request = selectors.data_request_get(user=request.auth, request_id=request_id)
    return services.data_request_decide(
        user=request.auth, request=data_request, approve=payload.approve, note=payload.note, ip_address=client_ip(request)
    )
