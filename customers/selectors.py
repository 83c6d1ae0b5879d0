"""Reads of the customer archive, always scoped to the acting user's stores."""

import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from core.errors import InvalidInput
from core.scoping import get_scoped_or_404, scoped
from customers.models import Consent, Customer, CustomerMobile, Interaction
from customers.validators import normalize_mobile
from vehicles.models import OdometerReading, Vehicle
from vehicles.validators import is_valid_plate, normalize_plate, normalize_vin

SEARCH_LIMIT = 50
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")
_LETTERS = re.compile(r"^[A-Za-z]+$")


@dataclass(frozen=True)
class SearchKey:
    """One indexed exact-match lookup that a search box entry can mean."""

    model: type
    field: str
    value: str
    customer_field: str = "id"


def search_keys(q: str) -> list[SearchKey]:
    """DOMAIN §2: mobile (full or last 4), plate (any case/separator), VIN (full or last 6),
    name in characters, full pinyin or initials. Every key hits an index by equality; there is
    no LIKE '%…%' scan anywhere."""
    text = "".join((q or "").split())
    compact = re.sub(r"[·•・.\-_]", "", text)
    keys: list[SearchKey] = []
    if not compact:
        return keys
    if compact.lstrip("+").isdigit():
        keys += _mobile_keys(compact)
    plate = normalize_plate(compact)
    if is_valid_plate(plate):
        keys.append(SearchKey(Vehicle, "plate", plate, "owner_id"))
    if _ALNUM.match(compact):
        if len(compact) == 17:
            keys.append(SearchKey(Vehicle, "vin", normalize_vin(compact), "owner_id"))
        elif len(compact) == 6:
            keys.append(SearchKey(Vehicle, "vin_last6", compact.upper(), "owner_id"))
    if _HAS_CJK.search(text) and not is_valid_plate(plate):  # 苏伟 is a name, 苏E12345 a plate
        keys.append(SearchKey(Customer, "name", text[:60]))
    if _LETTERS.match(compact):
        keys.append(SearchKey(Customer, "name_pinyin", compact.lower()))
        keys.append(SearchKey(Customer, "name_initials", compact.lower()))
    return keys


def _mobile_keys(digits: str) -> list[SearchKey]:
    if len(digits) == 4:
        return [SearchKey(CustomerMobile, "last4", digits, "customer_id")]
    try:
        return [SearchKey(CustomerMobile, "number", normalize_mobile(digits), "customer_id")]
    except InvalidInput:
        return []


def customer_search_ids(*, user, q: str, limit: int = SEARCH_LIMIT) -> list[int]:
    """Ids of the customers matching q in the user's stores, best kinds first, at most `limit`."""
    found: dict[int, None] = {}
    for key in search_keys(q):
        rows = scoped(key.model.objects, user).filter(**{key.field: key.value})
        for customer_id in rows.values_list(key.customer_field, flat=True)[:limit]:
            found.setdefault(customer_id, None)
        if len(found) >= limit:
            break
    return list(found)[:limit]


LIST_FIELDS = ("id", "store_id", "name", "mobile", "member_tier")  # what a result row shows


def _with_vehicles(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(Prefetch("vehicles", queryset=Vehicle.objects.only("id", "owner_id", "plate", "model")))


def customer_search(*, user, q: str) -> list[Customer]:
    return customer_search_page(user=user, q=q, offset=0, limit=SEARCH_LIMIT)[0]


def customer_search_page(*, user, q: str, offset: int, limit: int) -> tuple[list[Customer], int]:
    """One page of the customers matching q and how many matched (at most SEARCH_LIMIT). Only the
    page's rows are loaded, with the columns a result row shows."""
    ids = customer_search_ids(user=user, q=q)
    page_ids = ids[offset : offset + limit]
    rows = _with_vehicles(scoped(Customer.objects, user).filter(id__in=page_ids).only(*LIST_FIELDS))
    by_id = {c.id: c for c in rows}
    return [by_id[i] for i in page_ids if i in by_id], len(ids)


def consent_allows(customer: Customer, purpose: str) -> bool:
    """Marketing and channel use only with a current yes for that purpose (DOMAIN §14)."""
    return Consent.objects.filter(customer=customer, purpose=purpose, granted=True).exists()


def customer_list(*, user) -> QuerySet:
    """The newest customers first, for paging through the store's archive."""
    return _with_vehicles(scoped(Customer.objects, user).only(*LIST_FIELDS).order_by("-id"))


def customer_get(*, user, customer_id: int) -> Customer:
    return get_scoped_or_404(Customer.objects, user, pk=customer_id)


def customer_vehicles(*, customer: Customer) -> list[Vehicle]:
    readings = OdometerReading.objects.order_by("read_on", "id")
    owned_or_driven = Vehicle.objects.filter(Q(owner=customer) | Q(driver=customer)).select_related("owner", "driver")
    return list(
        owned_or_driven.prefetch_related(Prefetch("odometer_readings", queryset=readings)).order_by("-purchase_date", "-id")
    )


def customer_timeline(*, customer: Customer, limit: int = 100) -> QuerySet:
    """DOMAIN §1: the customer's contacts, newest first."""
    return (
        Interaction.objects.filter(customer=customer).select_related("staff", "vehicle").order_by("-occurred_at", "-id")[:limit]
    )


def interaction_list(*, user, customer_id: int | None = None) -> QuerySet:
    queryset = scoped(Interaction.objects, user).select_related("staff").order_by("-occurred_at", "-id")
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    return queryset
