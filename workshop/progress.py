"""Keeping the customer informed while the car is in the shop (DOMAIN §6, §1): a message on every
status change and at least every 2 hours, a signed progress link, and an apology task when the
promised time has passed by 15 minutes. Messages go through the outbox only."""

import datetime as dt

from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.policies import policy_value
from workshop.models import RepairOrder, RepairOrderEvent

State = RepairOrder.State
PROGRESS_LINK_SALT = "workshop.progress-link"
TEMPLATE_CODE = "workshop_progress"
TEMPLATES = [
    (TEMPLATE_CODE, "维修进度通知", "尊敬的{name}，您的爱车{plate}：{topic}。查看进度：{link}"),
]
# While the car is being worked on, the customer hears from us at least every interval.
WORKING = (State.CONFIRMED, State.IN_PROGRESS, State.QC)
STATUS_TOPICS = {
    State.CONFIRMED: "维修方案已确认，预计 {promised} 完工",
    State.IN_PROGRESS: "已开始维修，预计 {promised} 完工",
    State.QC: "维修已完成，正在进行质量检验",
    State.READY: "已完工并通过质检，可随时到店取车",
    State.DELIVERED: "已交车，感谢您的信任",
}


class ProgressLinkInvalid(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def workshop_templates_ensure() -> None:
    """The group-wide default SMS text (managers edit or override it per store in 消息模板)."""
    from messaging.models import MessageTemplate

    for code, name, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            store=None, code=code, channel="sms", defaults={"purpose": "service", "name": name, "body": body}
        )


def progress_token(order: RepairOrder) -> str:
    return signing.TimestampSigner(salt=PROGRESS_LINK_SALT).sign(str(order.pk))


def progress_link(order: RepairOrder) -> str:
    base = str(policy_value(order.store_id, "surveys.link_base_url")).rstrip("/")
    return f"{base}/p/{progress_token(order)}/"


def order_for_token(token: str) -> RepairOrder:
    """The order a customer's link stands for; the link expires after the store's number of days."""
    signer = signing.TimestampSigner(salt=PROGRESS_LINK_SALT)
    try:
        pk = int(signer.unsign(token))
    except (signing.BadSignature, ValueError):
        raise ProgressLinkInvalid("链接无效，请使用短信中的完整链接。") from None
    order = RepairOrder.objects.select_related("vehicle", "store").filter(pk=pk).first()
    if order is None:
        raise ProgressLinkInvalid("链接无效，请使用短信中的完整链接。")
    try:
        signer.unsign(token, max_age=dt.timedelta(days=policy_value(order.store_id, "workshop.progress_link_days")))
    except signing.SignatureExpired:
        raise ProgressLinkInvalid("该进度链接已过期，如需了解车辆情况请致电门店。") from None
    return order


def _queue(order: RepairOrder, *, topic: str, key: str) -> None:
    from messaging.services import message_queue

    message_queue(
        store_id=order.store_id,
        customer=order.customer,
        channel="sms",
        purpose="service",
        template_code=TEMPLATE_CODE,
        variables={"plate": order.vehicle.plate or order.vehicle.model, "topic": topic[:100], "link": progress_link(order)},
        idempotency_key=key,
    )


def _promised(order: RepairOrder) -> str:
    return f"{timezone.localtime(order.promised_at):%m月%d日 %H:%M}" if order.promised_at else "稍后告知"


def status_message_queue(*, order: RepairOrder, event: RepairOrderEvent) -> None:
    """DOMAIN §6: an automatic message on a status change (in the transaction of the change)."""
    topic = STATUS_TOPICS.get(order.state)
    if topic is None:
        return
    _queue(order, topic=topic.format(promised=_promised(order)), key=f"ro_status:{event.pk}")
    RepairOrder.objects.filter(pk=order.pk).update(last_progress_at=event.at)


def progress_updates_send(*, now: dt.datetime | None = None) -> int:
    """Every order being worked on whose customer has not heard from us for the store's interval (2 h;
    30 min once the promised time has passed) gets an update. Claimed by a conditional update, so
    two workers never send the same one twice."""
    now = now or timezone.now()
    sent = 0
    for store_id in _stores_with(WORKING):
        quiet_since = now - dt.timedelta(minutes=policy_value(store_id, "workshop.progress_interval_minutes"))
        late_since = now - dt.timedelta(minutes=policy_value(store_id, "workshop.late_progress_minutes"))
        due = RepairOrder.objects.filter(store_id=store_id, state__in=WORKING).filter(
            Q(last_progress_at__lte=quiet_since) | Q(promised_at__lt=now, last_progress_at__lte=late_since)
        )
        for order_id, last in due.values_list("pk", "last_progress_at"):
            sent += _progress_send_one(order_id, last, now)
    return sent


def _stores_with(states) -> list[int]:
    return list(RepairOrder.objects.filter(state__in=states).values_list("store_id", flat=True).distinct().order_by())


@transaction.atomic
def _progress_send_one(order_id: int, last: dt.datetime, now: dt.datetime) -> int:
    if not RepairOrder.objects.filter(pk=order_id, last_progress_at=last).update(last_progress_at=now):
        return 0  # another worker took it
    order = RepairOrder.objects.select_related("vehicle", "customer").get(pk=order_id)
    late = order.promised_at is not None and now > order.promised_at
    topic = f"{order.get_state_display()}，{'已超出承诺时间，我们正在加紧处理' if late else f'预计 {_promised(order)} 完工'}"
    _queue(order, topic=topic, key=f"ro_progress:{order_id}:{now:%Y%m%d%H%M}")
    RepairOrderEvent.objects.create(order=order, kind=RepairOrderEvent.Kind.PROGRESS_SENT, at=now, detail=topic)
    return 1


def apology_tasks_create(*, now: dt.datetime | None = None) -> int:
    """DOMAIN §1: the customer waits more than 15 min beyond the promised time → an apology task for
    the advisor, once per promised time (a new promise that is missed again gets a new task)."""
    now = now or timezone.now()
    created = 0
    for store_id in _stores_with(WORKING):
        limit = now - dt.timedelta(minutes=policy_value(store_id, "workshop.apology_after_minutes"))
        late = (
            RepairOrder.objects.filter(store_id=store_id, state__in=WORKING, promised_at__lt=limit)
            .exclude(apology_for_promise=F("promised_at"))
            .values_list("pk", "promised_at")
        )
        for order_id, promised_at in late:
            created += _apology_one(order_id, promised_at, now)
    return created


@transaction.atomic
def _apology_one(order_id: int, promised_at: dt.datetime, now: dt.datetime) -> int:
    from tasks.models import Task

    claimed = (
        RepairOrder.objects.filter(pk=order_id, promised_at=promised_at)
        .exclude(apology_for_promise=F("promised_at"))
        .update(apology_for_promise=promised_at)
    )
    if not claimed:
        return 0
    order = RepairOrder.objects.select_related("vehicle").get(pk=order_id)
    minutes = int((now - promised_at).total_seconds() // 60)
    Task.objects.get_or_create(
        source_key=f"ro_apology:{order_id}:{int(promised_at.timestamp())}",
        defaults={
            "store_id": order.store_id,
            "customer_id": order.customer_id,
            "vehicle_id": order.vehicle_id,
            "assignee_id": order.advisor_id,
            "kind": "repair_apology",
            "title": f"超时致歉：{order.vehicle.plate or order.vehicle.model} 已超出承诺完工时间 {minutes} 分钟",
            "script": "向客户致歉，说明延误原因和新的完工时间；如需更改承诺时间，请在工单中修改并由客户重新确认。",
            "due_at": now,
        },
    )
    RepairOrderEvent.objects.create(
        order=order, kind=RepairOrderEvent.Kind.APOLOGY, at=now, detail=f"超出承诺时间 {minutes} 分钟，已生成致歉任务"
    )
    return 1
