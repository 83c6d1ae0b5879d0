from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from core.api import page_window, paginate
from core.scoping import scoped
from customers import selectors, services
from customers.schemas import (
    ConsentIn,
    ConsentOut,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    InteractionIn,
    InteractionOut,
    InteractionPage,
)
from vehicles.models import Vehicle

router = Router(tags=["customers"])
interactions_router = Router(tags=["interactions"])


class CustomerQuery(Schema):
    q: str | None = None
    limit: int | None = None
    offset: int | None = None


@router.get("", response=CustomerPage)
def customer_list(request, params: Query[CustomerQuery]):
    """Search (mobile, last 4, plate, VIN, last 6, name, pinyin, initials) or page through customers."""
    if params.q and params.q.strip():
        limit, offset = page_window(params.limit, params.offset)
        found, count = selectors.customer_search_page(user=request.auth, q=params.q, offset=offset, limit=limit)
        return {"items": found, "count": count, "limit": limit, "offset": offset}
    return paginate(selectors.customer_list(user=request.auth), params.limit, params.offset)


@router.post("", response={201: CustomerOut})
def customer_create(request, payload: CustomerIn):
    customer = services.customer_create(user=request.auth, **payload.dict())
    return Status(201, customer)


@router.get("/{int:customer_id}", response=CustomerOut)
def customer_detail(request, customer_id: int):
    return selectors.customer_get(user=request.auth, customer_id=customer_id)


@router.patch("/{int:customer_id}", response=CustomerOut)
def customer_update(request, customer_id: int, payload: CustomerPatch):
    customer = selectors.customer_get(user=request.auth, customer_id=customer_id)
    return services.customer_update(user=request.auth, customer=customer, **payload.dict(exclude_unset=True))


@router.put("/{int:customer_id}/consents", response=ConsentOut)
def consent_record(request, customer_id: int, payload: ConsentIn):
    customer = selectors.customer_get(user=request.auth, customer_id=customer_id)
    return services.consent_record(user=request.auth, customer=customer, **payload.dict())


class InteractionQuery(Schema):
    customer_id: int | None = None
    limit: int | None = None
    offset: int | None = None


@interactions_router.get("", response=InteractionPage)
def interaction_list(request, params: Query[InteractionQuery]):
    queryset = selectors.interaction_list(user=request.auth, customer_id=params.customer_id)
    return paginate(queryset, params.limit, params.offset)


@interactions_router.post("", response={201: InteractionOut})
def interaction_create(request, payload: InteractionIn):
    data = payload.dict()
    customer = selectors.customer_get(user=request.auth, customer_id=data.pop("customer_id"))
    vehicle_id = data.pop("vehicle_id")
    vehicle = get_object_or_404(scoped(Vehicle.objects, request.auth), pk=vehicle_id) if vehicle_id else None
    return Status(201, services.interaction_create(user=request.auth, customer=customer, vehicle=vehicle, **data))


@interactions_router.get("/{int:interaction_id}", response=InteractionOut)
def interaction_detail(request, interaction_id: int):
    return get_object_or_404(selectors.interaction_list(user=request.auth), pk=interaction_id)
