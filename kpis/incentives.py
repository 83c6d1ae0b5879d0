"""Incentive figures (DOMAIN §12): the system provides them, payroll decides the money.

Sales commission weighted by after-sales satisfaction: a share (`kpis.commission_weight_percent`,
10 %) of a salesperson's commission depends on the satisfaction of their customers' service
surveys; below `kpis.commission_threshold` (85 of 100) that share is paid at the reduced
coefficient. Factor = (1 − w) + w × coefficient. After-sales lead bonuses come from the leads module.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum

from accounts.models import User
from accounts.permissions import Perm, require
from core.dates import local_day_range
from core.policies import policy_value


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def sales_commission_weights(*, user, store_ids: list[int], month: dt.date) -> list[dict]:
    """Per salesperson: survey answers of their customers in the month, satisfaction (0–100), the
    coefficient and the commission factor."""
    from followups.models import Answer
    from vehicles.models import Vehicle

    require(user, Perm.KPI_INCENTIVES)
    first, last = month_range(month)
    start, end = local_day_range(first)[0], local_day_range(last)[1]
    salesperson = Vehicle.objects.filter(owner_id=OuterRef("response__customer_id"), salesperson__isnull=False).values(
        "salesperson_id"
    )[:1]
    rows = (
        Answer.objects.filter(response__store_id__in=store_ids, response__submitted_at__gte=start, response__submitted_at__lt=end)
        .annotate(salesperson_id=Subquery(salesperson))
        .exclude(salesperson_id=None)
        .values("salesperson_id")
        .annotate(total=Sum("score"), answers=Count("id"))
        .order_by()
    )
    store_id = store_ids[0] if len(store_ids) == 1 else None
    weight = Decimal(str(policy_value(store_id, "kpis.commission_weight_percent"))) / 100
    threshold = Decimal(str(policy_value(store_id, "kpis.commission_threshold")))
    reduced = Decimal(str(policy_value(store_id, "kpis.commission_reduced_coefficient")))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["salesperson_id"] for r in rows])}
    result = []
    for row in rows:
        satisfaction = (Decimal(row["total"]) * 10 / row["answers"]).quantize(Decimal("0.1"))
        coefficient = Decimal(1) if satisfaction >= threshold else reduced
        result.append(
            {
                "staff_id": row["salesperson_id"],
                "name": names.get(row["salesperson_id"], ""),
                "answers": row["answers"],
                "satisfaction": satisfaction,
                "coefficient": coefficient,
                "factor": ((1 - weight) + weight * coefficient).quantize(Decimal("0.001")),
            }
        )
    return sorted(result, key=lambda r: r["name"])


def lead_bonuses(*, user, month: dt.date) -> list[dict]:
    """The after-sales bonus per converted lead, as the leads module reports it."""
    from leads.selectors import lead_bonus_report

    require(user, Perm.KPI_INCENTIVES)
    return lead_bonus_report(user=user, month=month.replace(day=1))
