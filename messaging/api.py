"""Outbox API: the staff's view of what was sent to whom, and the gateways' webhook for replies."""

import hmac

from django.conf import settings
from ninja import Query, Router
from ninja.security import APIKeyHeader

from accounts.api import ErrorOut
from core.api import paginate
from messaging import selectors, services
from messaging.schemas import InboundIn, InboundOut, OutboxPage, OutboxQuery

router = Router(tags=["messaging"])


class InboundSecret(APIKeyHeader):
    """Gateways authenticate with the shared secret MESSAGING_INBOUND_SECRET; unset = closed."""

    param_name = "X-Inbound-Secret"

    def authenticate(self, request, key):
        expected = settings.MESSAGING_INBOUND_SECRET
        if expected and key and hmac.compare_digest(key.encode(), expected.encode()):
            return "gateway"
        return None


@router.post("/inbound", auth=InboundSecret(), response={200: InboundOut, 401: ErrorOut})
def inbound(request, payload: InboundIn):
    """A customer's reply relayed by a gateway; "T", "TD" or "退订" opts them out of marketing at once."""
    return services.inbound_receive(channel=payload.channel, sender=payload.sender, body=payload.body)


@router.get("/outbox", response=OutboxPage)
def outbox_list(request, params: Query[OutboxQuery]):
    """Messages of the caller's stores, newest first; filter by customer and status."""
    queryset = selectors.outbox_list(user=request.auth, customer_id=params.customer_id, status=params.status)
    return paginate(queryset, params.limit, params.offset)
