"""Red alerts (DOMAIN §9): configurable words such as 刹车失灵, 起火, 媒体, 律师 found in what a customer
said — complaint text, survey comments, interaction notes — alert quality, sales and service at once
and stay on every manager's screen until someone acknowledges them."""

import unicodedata

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Department
from accounts.permissions import Perm, require
from complaints.models import RedAlert, RedAlertKeyword
from complaints.services.notify import department_contact, staff_task
from core.errors import Conflict

ALERTED_DEPARTMENTS = (Department.Kind.QUALITY, Department.Kind.SALES, Department.Kind.AFTER_SALES)

DEFAULT_KEYWORDS = [
    ("刹车失灵", RedAlertKeyword.Flag.SAFETY),
    ("发动机异响", RedAlertKeyword.Flag.SAFETY),
    ("起火", RedAlertKeyword.Flag.SAFETY),
    ("自燃", RedAlertKeyword.Flag.SAFETY),
    ("召回", RedAlertKeyword.Flag.SAFETY),
    ("媒体", RedAlertKeyword.Flag.MEDIA),
    ("曝光", RedAlertKeyword.Flag.MEDIA),
    ("记者", RedAlertKeyword.Flag.MEDIA),
    ("律师", RedAlertKeyword.Flag.LEGAL),
    ("起诉", RedAlertKeyword.Flag.LEGAL),
]


def red_alert_keywords_ensure() -> None:
    """The brief's group-wide list; managers add words, switch them off or override them per store."""
    for word, flag in DEFAULT_KEYWORDS:
        RedAlertKeyword.objects.get_or_create(store=None, word=word, defaults={"flag": flag})


def _compact(text: str) -> str:
    """Full-width letters and stray spaces do not hide a word: "刹车 失灵" still matches."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


def keyword_matches(store_id: int, text: str) -> list[RedAlertKeyword]:
    """The active words found in the text; a store's own entry for a word overrides the group's."""
    by_word: dict[str, RedAlertKeyword] = {}
    rows = RedAlertKeyword.objects.filter(Q(store_id=store_id) | Q(store__isnull=True)).order_by(
        F("store_id").asc(nulls_last=True)
    )
    for keyword in rows:
        by_word.setdefault(_compact(keyword.word), keyword)
    compact = _compact(text)
    return [k for word, k in by_word.items() if k.is_active and word and word in compact]


@transaction.atomic
def red_alert_scan(*, store_id: int, text: str, source: str, customer=None, complaint=None) -> RedAlert | None:
    """Look for red-alert words in a customer's words and raise one alert per source ("interaction:7",
    "survey:12", "complaint:3"), however often the same text is scanned. Quality, sales and service
    each get a task when the alert concerns a customer (tasks hang on a customer)."""
    matches = keyword_matches(store_id, text)
    if not matches:
        return None
    alert, created = RedAlert.objects.get_or_create(
        source=source[:120],
        defaults={
            "store_id": store_id,
            "customer": customer,
            "complaint": complaint,
            "keywords": [k.word for k in matches],
            "excerpt": " ".join((text or "").split())[:500],
        },
    )
    if created and customer is not None:
        _alert_departments(alert)
    return alert


def _alert_departments(alert: RedAlert) -> None:
    words = "、".join(alert.keywords)
    for kind in ALERTED_DEPARTMENTS:
        staff_task(
            store_id=alert.store_id,
            customer_id=alert.customer_id,
            assignee=department_contact(alert.store_id, kind),
            kind="red_alert",
            title=f"红色预警（{words}）：请立即跟进",
            script=f"{alert.source_label}原文：{alert.excerpt}",
            due_at=alert.raised_at,
            source_key=f"red_alert:{alert.pk}:{kind}",
        )


@transaction.atomic
def red_alert_acknowledge(*, user, alert: RedAlert) -> RedAlert:
    """One acknowledgement takes the alert off every manager's screen; a second one is a conflict."""
    require(user, Perm.RED_ALERT_ACK)
    now = timezone.now()
    if not RedAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(acknowledged_at=now, acknowledged_by=user):
        alert.refresh_from_db()
        raise Conflict(f"该预警已于 {timezone.localtime(alert.acknowledged_at):%m-%d %H:%M} 由 {alert.acknowledged_by} 确认")
    alert.acknowledged_at, alert.acknowledged_by = now, user
    return alert
