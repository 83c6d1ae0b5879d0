"""Who hears about a complaint, and how: staff through tasks in their list ("我的任务"), customers through
the outbox in the same transaction as the change (DOMAIN §9: "the customer is told progress")."""

import datetime as dt
import logging

from django.db.models import Case, IntegerField, Value, When

from accounts.models import Department, Role, Store, User
from complaints.models import Complaint, ComplaintEvent, Tier
from core.errors import InvalidInput
from messaging.models import MessageChannel, MessagePurpose
from messaging.services import message_queue
from tasks.models import Task

logger = logging.getLogger(__name__)

# Without a department on the staff record, the role says which side someone works for.
_ROLES_OF_DEPARTMENT = {
    Department.Kind.QUALITY: [Role.COMPLAINT_HANDLER],
    Department.Kind.SALES: [Role.SALESPERSON],
    Department.Kind.AFTER_SALES: [Role.ADVISOR, Role.TEAM_LEADER],
}


def tier_owner(complaint: Complaint, tier: str | None = None) -> User | None:
    """L1: the complaint's owner; L2: the store's manager; L3: the group's senior management."""
    tier = tier or complaint.tier
    if tier == Tier.L1:
        return complaint.owner
    if tier == Tier.L2:
        return _first(User.objects.filter(stores=complaint.store_id, role=Role.STORE_MANAGER))
    group_id = Store.objects.filter(pk=complaint.store_id).values_list("group_id", flat=True).first()
    return _first(User.objects.filter(dealer_group_id=group_id, role=Role.GROUP_ADMIN))


def store_manager(store_id: int) -> User | None:
    return _first(User.objects.filter(stores=store_id, role=Role.STORE_MANAGER))


def complaint_handler(store_id: int) -> User | None:
    """Who owns a complaint that no staff member took (opened by a survey or another system)."""
    return _first(User.objects.filter(stores=store_id, role=Role.COMPLAINT_HANDLER))


def department_contact(store_id: int, kind: str) -> User | None:
    """The person of the store's quality / sales / after-sales side to tell: a member of that
    department (its manager first), else someone in a role of that side."""
    members = User.objects.filter(is_active=True, stores=store_id, department__store_id=store_id, department__kind=kind)
    manager_first = Case(When(role=Role.STORE_MANAGER, then=Value(0)), default=Value(1), output_field=IntegerField())
    return members.order_by(manager_first, "pk").first() or _first(
        User.objects.filter(stores=store_id, role__in=_ROLES_OF_DEPARTMENT[kind])
    )


def _first(queryset) -> User | None:
    return queryset.filter(is_active=True).order_by("pk").first()


def staff_task(
    *,
    store_id: int,
    customer_id: int,
    assignee: User | None,
    kind: str,
    title: str,
    due_at: dt.datetime,
    source_key: str,
    script: str = "",
) -> Task:
    """One task per cause, ever (the unique source_key), so re-runs never notify twice."""
    task, _ = Task.objects.get_or_create(
        source_key=source_key,
        defaults={
            "store_id": store_id,
            "customer_id": customer_id,
            "assignee": assignee,
            "kind": kind,
            "title": title[:200],
            "script": script[:2000],
            "due_at": due_at,
        },
    )
    return task


def complaint_task(
    complaint: Complaint, *, assignee: User | None, kind: str, title: str, due_at: dt.datetime, key: str, script: str = ""
):
    return staff_task(
        store_id=complaint.store_id,
        customer_id=complaint.customer_id,
        assignee=assignee,
        kind=kind,
        title=f"{title}：{complaint.title}",
        due_at=due_at,
        source_key=f"complaint:{complaint.pk}:{key}",
        script=script,
    )


def customer_inform(
    complaint: Complaint, *, template_code: str, key: str, topic: str, due_date: dt.datetime | None = None
) -> None:
    """A service notice by SMS through the outbox (the customer's mobile always exists; opt-outs are
    honoured by the outbox). A missing template must not stop the complaint: it is noted instead."""
    variables = {"topic": topic[:100], **({"due_date": due_date} if due_date else {})}
    try:
        message_queue(
            store_id=complaint.store_id,
            customer=complaint.customer,
            channel=MessageChannel.SMS,
            purpose=MessagePurpose.SERVICE,
            template_code=template_code,
            variables=variables,
            idempotency_key=f"complaint:{complaint.pk}:{key}",
        )
    except InvalidInput as exc:
        logger.warning("complaint %s: customer notice %s not queued: %s", complaint.pk, template_code, exc.errors)
        detail = f"客户通知未能发送（{template_code}）：{'；'.join(exc.errors.values())}"
    else:
        detail = f"已通过短信告知客户：{topic}"
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.CUSTOMER_NOTIFIED, tier=complaint.tier, detail=detail[:500]
    )
