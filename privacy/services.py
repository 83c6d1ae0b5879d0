"""PIPL rights and logged access: reveal one value, export, erase (anonymise), retention."""

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from customers.models import Consent, ConsentEvent, Customer, CustomerMobile, Interaction
from messaging.models import ChannelAddress, InboundMessage
from privacy.models import AccessLog, DataSubjectRequest
from vehicles.models import OdometerReading, Ownership, Vehicle

REVEALABLE_FIELDS = {"mobile": "手机号", "id_number": "证件号码", "address": "地址"}
ERASED_NAME = "已匿名客户"


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        raise InvalidInput({"reason": "请填写查看原因（至少 2 个字）"})
    return reason[:200]


def pii_reveal(*, user, customer: Customer, field: str, reason: str, ip_address: str | None) -> str:
    """Show one full value to a role that may see it; exactly one access-log row per reveal."""
    require(user, Perm.PII_REVEAL)
    if field not in REVEALABLE_FIELDS:
        raise InvalidInput({"field": "只能查看手机号、证件号码或地址"})
    if customer.erased_at:
        raise Conflict("该客户信息已匿名化")
    AccessLog.objects.create(
        store_id=customer.store_id,
        actor=user,
        customer=customer,
        action=AccessLog.Action.REVEAL,
        field=field,
        reason=_reason(reason),
        ip_address=ip_address,
    )
    return getattr(customer, field)


@transaction.atomic
def data_request_create(*, user, customer: Customer, kind: str, details: str = "") -> DataSubjectRequest:
    """Register a data-subject request; it is due within the store's deadline (default 15 days)."""
    require(user, Perm.DATA_REQUEST_CREATE)
    if kind not in DataSubjectRequest.Kind.values:
        raise InvalidInput({"kind": "类型必须是 export、correction 或 erasure"})
    if kind == DataSubjectRequest.Kind.CORRECTION and not details.strip():
        raise InvalidInput({"details": "请说明需要更正的内容"})
    if customer.erased_at:
        raise Conflict("该客户信息已匿名化")
    due = timezone.localdate() + dt.timedelta(days=policy_value(customer.store_id, "privacy.request_due_days"))
    return DataSubjectRequest.objects.create(
        store_id=customer.store_id, customer=customer, kind=kind, details=details.strip()[:2000], requested_by=user, due_on=due
    )


@transaction.atomic
def data_request_decide(
    *, user, request: DataSubjectRequest, approve: bool, note: str = "", ip_address: str | None = None
) -> DataSubjectRequest:
    """A store manager approves or rejects. Approving an erasure anonymises at once; approving an
    export makes the export downloadable; a correction is done through the normal (audited) edit."""
    require(user, Perm.DATA_REQUEST_APPROVE)
    claimed = DataSubjectRequest.objects.filter(pk=request.pk, status=DataSubjectRequest.Status.PENDING).update(
        status=DataSubjectRequest.Status.COMPLETED if approve else DataSubjectRequest.Status.REJECTED,
        decided_by=user,
        decided_at=timezone.now(),
        decision_note=note.strip()[:200],
    )
    if not claimed:
        raise Conflict("该请求已处理")
    request.refresh_from_db()
    if approve and request.kind == DataSubjectRequest.Kind.ERASURE:
        customer_erase(customer=request.customer, actor=user, reason=f"权利请求 #{request.pk}", ip_address=ip_address)
    return request


def customer_export(*, user, customer: Customer, reason: str, ip_address: str | None) -> dict:
    """Everything held about one customer, unmasked (it is for the customer); logged once."""
    require(user, Perm.DATA_REQUEST_APPROVE)
    approved = customer.data_requests.filter(
        kind=DataSubjectRequest.Kind.EXPORT, status=DataSubjectRequest.Status.COMPLETED
    ).exists()
    if not approved:
        raise Conflict("导出须先登记并经门店经理批准的导出请求")
    AccessLog.objects.create(
        store_id=customer.store_id,
        actor=user,
        customer=customer,
        action=AccessLog.Action.EXPORT,
        reason=_reason(reason),
        ip_address=ip_address,
    )
    return customer_dossier(customer)


def customer_dossier(customer: Customer) -> dict:
    profile_fields = [
        f.name
        for f in Customer._meta.concrete_fields
        if f.name not in {"store", "created_by", "referred_by", "name_pinyin", "name_initials"}
    ]
    vehicles = list(Vehicle.objects.filter(owner=customer).order_by("id"))
    return {
        "customer": {name: _plain(getattr(customer, name)) for name in profile_fields},
        "mobiles": list(customer.mobiles.values("number", "is_primary", "label")),
        "channel_addresses": list(customer.channel_addresses.values("channel", "address")),
        "consents": [
            _plain_row(row)
            for row in customer.consent_events.values("purpose", "granted", "recorded_at", "source", "text_version")
        ],
        "vehicles": [
            {
                **{
                    f.name: _plain(getattr(v, f.attname))
                    for f in Vehicle._meta.concrete_fields
                    if f.name not in {"store", "owner", "driver"}
                },
                "odometer": [_plain_row(r) for r in v.odometer_readings.order_by("read_on").values("km", "read_on", "source")],
            }
            for v in vehicles
        ],
        "complaints": [
            _plain_row(r)
            for r in customer.complaints.order_by("id").values("id", "category", "description", "status", "opened_at")
        ],
        "interactions": [
            _plain_row(r)
            for r in customer.interactions.order_by("occurred_at").values(
                "occurred_at", "channel", "direction", "summary", "outcome"
            )
        ],
        "access_log": [_plain_row(r) for r in customer.access_logs.order_by("at").values("at", "action", "field", "reason")],
    }


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def _plain_row(row: dict) -> dict:
    return {key: _plain(value) for key, value in row.items()}


@transaction.atomic
def customer_erase(*, customer: Customer, actor=None, reason: str, ip_address: str | None = None) -> Customer:
    """Erasure = anonymisation (DOMAIN §14): personal fields are blanked, numbers and consents
    removed, contact summaries redacted and the audit history of the person purged; vehicles and
    their repair-relevant records stay (legally required), so aggregated statistics still add up."""
    customer = Customer.objects.select_for_update(no_key=True).get(pk=customer.pk)
    if customer.erased_at:
        return customer
    for name in (
        "mobile",
        "id_type",
        "id_number",
        "address",
        "company",
        "preferred_channel",
        "preferred_time",
        "decision_maker",
        "guardian_name",
    ):
        setattr(customer, name, "")
    customer.name, customer.name_pinyin, customer.name_initials = ERASED_NAME, "", ""
    customer.gender, customer.birthday, customer.birthday_is_lunar, customer.guardian_consent_at = "", None, False, None
    customer.manual_tags, customer.derived_tags = [], []
    customer.erased_at = timezone.now()
    customer.save()
    personal_rows = {
        Customer: [customer.pk],
        CustomerMobile: list(CustomerMobile.objects.filter(customer=customer).values_list("pk", flat=True)),
        Consent: list(Consent.objects.filter(customer=customer).values_list("pk", flat=True)),
    }
    CustomerMobile.objects.filter(customer=customer).delete()
    Consent.objects.filter(customer=customer).delete()
    ConsentEvent.objects.filter(customer=customer).delete()
    ChannelAddress.objects.filter(customer=customer).delete()
    Interaction.objects.filter(customer=customer).update(summary="（已匿名）", outcome="")
    _redact_complaints(customer)
    Vehicle.objects.filter(driver=customer).update(driver=None)
    _purge_audit_history(personal_rows)
    AccessLog.objects.create(
        store_id=customer.store_id,
        actor=actor,
        customer=customer,
        action=AccessLog.Action.ERASE,
        reason=reason[:200],
        ip_address=ip_address,
    )
    return customer


def _redact_complaints(customer: Customer) -> None:
    """Complaint and contact texts quote the customer; the cases and their clocks stay (statistics)."""
    from complaints.models import Complaint, ComplaintEvent, ContactEvent, ContactRequest, RedAlert

    Complaint.objects.filter(customer=customer).update(description="（已匿名）")
    ComplaintEvent.objects.filter(complaint__customer=customer).update(detail="（已匿名）")
    ContactRequest.objects.filter(customer=customer).update(summary="（已匿名）", sender="")
    ContactEvent.objects.filter(contact__customer=customer).update(detail="（已匿名）")
    RedAlert.objects.filter(customer=customer).update(excerpt="（已匿名）")


def _purge_audit_history(rows_by_model: dict) -> None:
    """The audit trail keeps before→after values; after erasure it must not keep the person."""
    for model, pks in rows_by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks]).delete()


def retention_candidates(*, today: dt.date | None = None, years: int | None = None):
    """Customers with no contact, visit or reading for longer than the retention period.

    One set-based query (NOT EXISTS per activity table), so it runs nightly over a million rows.
    """
    today = today or timezone.localdate()
    years = years or policy_value(None, "privacy.retention_years")
    cutoff = timezone.make_aware(dt.datetime.combine(today.replace(year=today.year - years), dt.time()))
    recent_contact = Interaction.objects.filter(customer=OuterRef("pk"), occurred_at__gte=cutoff)
    recent_reading = OdometerReading.objects.filter(vehicle__owner=OuterRef("pk"), read_on__gte=cutoff.date())
    recent_ownership = Ownership.objects.filter(customer=OuterRef("pk"), started_on__gte=cutoff.date())
    return (
        Customer.objects.filter(erased_at__isnull=True, updated_at__lt=cutoff)
        .exclude(Exists(recent_contact))
        .exclude(Exists(recent_reading))
        .exclude(Exists(recent_ownership))
    )


def inbound_replies_redact(*, today: dt.date | None = None) -> int:
    """Customers' replies keep the sender's number only as long as needed to act on them."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=policy_value(None, "privacy.inbound_retention_days")), dt.time())
    )
    return InboundMessage.objects.filter(received_at__lt=cutoff).exclude(sender="").update(sender="", body="（已删除）")


def retention_anonymise(*, today: dt.date | None = None, batch: int = 500) -> int:
    """Nightly job: anonymise everyone past retention. Idempotent — erased customers are skipped,
    and each customer is its own transaction, so a crash half way loses nothing."""
    done = 0
    while True:
        ids = list(retention_candidates(today=today).values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        for customer in Customer.objects.filter(pk__in=ids):
            customer_erase(customer=customer, reason="超过保留期限自动匿名化")
            done += 1
