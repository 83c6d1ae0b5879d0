"""Reads of the dashboards: periods, stores in scope, and figures summed from the daily rollups."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import Store, User
from core.errors import InvalidInput
from core.models import StoreSetting
from core.policies import policy_value
from kpis.definitions import KPIS, KPIS_BY_KEY, Kpi
from kpis.models import BestPractice, ImprovementAction, KpiDaily, KpiStaffDaily

PERIODS = {"day": "日", "week": "周", "month": "月", "quarter": "季度", "custom": "自定义"}
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def period_resolve(*, period: str = "month", on: dt.date | None = None, start=None, end=None) -> Period:
    """Day/week/month/quarter around `on` (default today), or a custom range; absurd ranges are 422."""
    on = on or timezone.localdate()
    if period == "day":
        return Period(on, on)
    if period == "week":
        monday = on - dt.timedelta(days=on.weekday())
        return Period(monday, monday + dt.timedelta(days=6))
    if period == "month":
        return Period(on.replace(day=1), _month_end(on))
    if period == "quarter":
        first = on.replace(month=(on.month - 1) // 3 * 3 + 1, day=1)
        return Period(first, _month_end(first.replace(month=first.month + 2)))
    if period == "custom":
        return _custom_period(start, end)
    raise InvalidInput({"period": "期间只能是日、周、月、季度或自定义"})


def _custom_period(start, end) -> Period:
    errors = {}
    if not start:
        errors["from"] = "请填写开始日期"
    if not end:
        errors["to"] = "请填写结束日期"
    if errors:
        raise InvalidInput(errors)
    if end < start:
        raise InvalidInput({"to": "结束日期不能早于开始日期"})
    if start < EARLIEST or end > timezone.localdate() + dt.timedelta(days=366):
        raise InvalidInput({"from": "日期超出可查询的范围"})
    longest = policy_value(None, "kpis.max_range_days")
    if (end - start).days + 1 > longest:
        raise InvalidInput({"to": f"查询期间最长 {longest} 天"})
    return Period(start, end)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def stores_in_scope(*, user, store_id: int | None) -> list[Store]:
    """The dashboard's stores: one (unknown id → 422, another's store → 404) or all of the user's."""
    visible = Store.objects.filter(pk__in=user.accessible_store_ids()).order_by("code")
    if store_id is None:
        return list(visible)
    if not Store.objects.filter(pk=store_id).exists():
        raise InvalidInput({"store": "门店不存在"})
    store = visible.filter(pk=store_id).first()
    if store is None:
        raise Http404("未找到该门店")
    return [store]


def targets(store_ids: list[int]) -> dict[tuple[int | None, str], float]:
    """Each store's target per measure in one query; (None, key) holds the group default."""
    found = {(None, kpi.key): float(kpi.target) for kpi in KPIS}
    overrides = StoreSetting.objects.filter(store_id__in=store_ids, key__startswith="kpis.target.")
    for store_id, key, value in overrides.values_list("store_id", "key", "value"):
        found[store_id, key.removeprefix("kpis.target.")] = float(value)
    return found


def target_of(found: dict, store_ids: list[int], kpi: Kpi) -> float:
    """A single store's own target; for several stores the group default."""
    if len(store_ids) == 1:
        return found.get((store_ids[0], kpi.key), found[None, kpi.key])
    return found[None, kpi.key]


@dataclass
class Figure:
    kpi: Kpi
    numerator: Decimal
    denominator: Decimal
    target: float

    @property
    def value(self) -> Decimal | None:
        return self.kpi.value(self.numerator, self.denominator)

    @property
    def meets(self) -> bool | None:
        return self.kpi.meets(self.value, self.target)

    @property
    def status(self) -> str:
        return {True: "ok", False: "below", None: "none"}[self.meets]

    def as_dict(self) -> dict:
        return {
            "key": self.kpi.key,
            "label": self.kpi.label,
            "unit": self.kpi.unit,
            "value": self.value,
            "target": self.target or None,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "status": self.status,
        }


def kpi_summary(*, store_ids: list[int], period: Period) -> list[Figure]:
    """Every measure over the period for the stores together: Σ numerators / Σ denominators."""
    sums = (
        KpiDaily.objects.filter(store_id__in=store_ids, day__gte=period.start, day__lte=period.end)
        .values("kpi")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    by_key = {row["kpi"]: row for row in sums}
    found = targets(store_ids)
    return [
        Figure(
            kpi,
            by_key.get(kpi.key, {}).get("n") or Decimal(0),
            by_key.get(kpi.key, {}).get("d") or Decimal(0),
            target_of(found, store_ids, kpi),
        )
        for kpi in KPIS
    ]


def kpi_by_store(*, store_ids: list[int], period: Period) -> list[dict]:
    """The group view: every store's figure of every measure, against its own target."""
    sums = (
        KpiDaily.objects.filter(store_id__in=store_ids, day__gte=period.start, day__lte=period.end)
        .values("store_id", "kpi")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    cells = {(row["store_id"], row["kpi"]): row for row in sums}
    found = targets(store_ids)
    stores = Store.objects.filter(pk__in=store_ids).order_by("code")
    return [
        {
            "store": store,
            "figures": [
                Figure(
                    kpi,
                    cells.get((store.pk, kpi.key), {}).get("n") or Decimal(0),
                    cells.get((store.pk, kpi.key), {}).get("d") or Decimal(0),
                    target_of(found, [store.pk], kpi),
                )
                for kpi in KPIS
            ],
        }
        for store in stores
    ]


def kpi_by_staff(*, store_ids: list[int], period: Period, kpi: Kpi) -> list[dict]:
    """One measure per staff member (advisor, salesperson, agent), best first."""
    sums = (
        KpiStaffDaily.objects.filter(store_id__in=store_ids, kpi=kpi.key, day__gte=period.start, day__lte=period.end)
        .values("staff_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=[row["staff_id"] for row in sums])}
    rows = [
        {
            "staff_id": row["staff_id"],
            "name": names.get(row["staff_id"]) or f"#{row['staff_id']}",
            "value": kpi.value(row["n"], row["d"]),
            "numerator": row["n"],
            "denominator": row["d"],
        }
        for row in sums
    ]
    return sorted(rows, key=lambda r: (r["value"] is None, -(r["value"] or 0) if kpi.higher_is_better else r["value"] or 0))


def kpi_trend(*, store_ids: list[int], period: Period, kpi: Kpi) -> dict:
    """The measure per day (≤ 31 days), week (≤ 26 weeks) or month, with the target line."""
    rows = (
        KpiDaily.objects.filter(store_id__in=store_ids, kpi=kpi.key, day__gte=period.start, day__lte=period.end)
        .values("day")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    bucket = _bucket_of(period)
    sums = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        totals = sums[bucket(row["day"])]
        totals[0] += row["n"]
        totals[1] += row["d"]
    labels = _bucket_labels(period, bucket)
    target = target_of(targets(store_ids), store_ids, kpi)
    values = [kpi.value(*sums[label]) if label in sums else None for label in labels]
    return {
        "key": kpi.key,
        "label": kpi.label,
        "unit": kpi.unit,
        "labels": labels,
        "values": [float(v) if v is not None else None for v in values],
        "target": target or None,
    }


def _bucket_of(period: Period):
    if period.days <= 31:
        return lambda day: day.isoformat()
    if period.days <= 183:
        return lambda day: (day - dt.timedelta(days=day.weekday())).isoformat()
    return lambda day: day.strftime("%Y-%m")


def _bucket_labels(period: Period, bucket) -> list[str]:
    labels, day = [], period.start
    while day <= period.end:
        label = bucket(day)
        if not labels or labels[-1] != label:
            labels.append(label)
        day += dt.timedelta(days=1)
    return labels


def weekly_figures(*, store_ids: list[int], weeks: list[tuple[dt.date, dt.date]]) -> dict:
    """{(store_id, kpi, week_start): (numerator, denominator)} for the red-indicator check."""
    rows = (
        KpiDaily.objects.filter(store_id__in=store_ids, day__gte=weeks[0][0], day__lte=weeks[-1][1])
        .values("store_id", "kpi", "day", "numerator", "denominator")
        .order_by()
    )
    found = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        week = row["day"] - dt.timedelta(days=row["day"].weekday())
        totals = found[row["store_id"], row["kpi"], week]
        totals[0] += row["numerator"]
        totals[1] += row["denominator"]
    return found


def improvement_actions(*, user, open_only: bool = False):
    actions = ImprovementAction.objects.filter(store_id__in=user.accessible_store_ids()).select_related("owner", "store")
    if open_only:
        actions = actions.exclude(status=ImprovementAction.Status.CLOSED)
    return actions.order_by("-opened_at")


def improvement_action_get(*, user, action_id: int) -> ImprovementAction:
    action = improvement_actions(user=user).filter(pk=action_id).first()
    if action is None:
        raise Http404("未找到该改进行动")
    return action


def open_actions(*, store_ids: list[int]) -> set[tuple[int, str]]:
    """(store, measure) pairs with an improvement action not yet closed, in one query."""
    return set(
        ImprovementAction.objects.filter(store_id__in=store_ids)
        .exclude(status=ImprovementAction.Status.CLOSED)
        .values_list("store_id", "kpi")
    )


def open_action_keys(*, store_ids: list[int]) -> set[str]:
    return {kpi for _store, kpi in open_actions(store_ids=store_ids)}


def best_practices(*, user, month: dt.date | None = None):
    """The user's stores' cases and every case another store of the group chose to share."""
    own = user.accessible_store_ids()
    group_stores = Store.objects.filter(group_id=user.dealer_group_id).values("pk") if user.dealer_group_id else []
    cases = BestPractice.objects.filter(store_id__in=own) | BestPractice.objects.filter(store_id__in=group_stores, shared=True)
    if month:
        cases = cases.filter(month=month.replace(day=1))
    return cases.select_related("store", "author").order_by("-month", "-id")


def kpi_label(key: str) -> str:
    kpi = KPIS_BY_KEY.get(key)
    return kpi.label if kpi else key
