"""The one query layer that scopes every read and write to the acting user's stores (DOMAIN §14).

Selectors start from `scoped(Model.objects, user)`; services check `store_for_write`. Rows of a
store the user cannot see simply do not exist for them: lookups end in 404, never 403, so the
error does not reveal that the id is taken.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.errors import InvalidInput


def scoped(queryset: QuerySet, user, store_field: str = "store_id") -> QuerySet:
    """Rows of the user's stores. Rows about a customer of a store of another legal entity are
    included only when that customer consented to sharing within the group (PIPL Art. 23)."""
    access = user.store_access()
    own_stores = Q(**{f"{store_field}__in": access.open})
    customer_ref = getattr(queryset.model, "customer_ref", None)
    if not access.gated or customer_ref is None:
        return queryset.filter(own_stores)
    from customers.models import Consent, ConsentPurpose

    shared = Consent.objects.filter(customer_id=OuterRef(customer_ref), purpose=ConsentPurpose.GROUP_SHARING, granted=True)
    return queryset.filter(own_stores | (Q(**{f"{store_field}__in": access.gated}) & Exists(shared)))


def get_scoped_or_404(queryset: QuerySet, user, **lookup):
    obj = scoped(queryset, user).filter(**lookup).first()
    if obj is None:
        raise Http404("未找到该记录")
    return obj


def store_for_write(user, store_id: int | None) -> int:
    """The store a new row goes to: the given one if the user may write there, else their own."""
    allowed = user.accessible_store_ids()
    if store_id is None:
        store_id = user.default_store_id()
        if store_id is None:
            raise InvalidInput({"store_id": "请选择门店"})
    if store_id not in allowed:
        raise InvalidInput({"store_id": "无权在该门店建档"})
    return store_id
