"""KPI sources and the sales funnel: one GROUP BY per figure, per (store, salesperson), local days."""

import datetime as dt

from django.utils import timezone

from showroom.models import Prospect, WalkIn
from showroom.selectors import (
    kpi_showroom_conversion_daily,
    kpi_test_drive_rate_daily,
    kpi_walk_in_registration_daily,
    sales_funnel,
)
from showroom.services import prospect_create, prospect_lose, walk_in_arrive, walk_in_register

SHANGHAI = timezone.get_default_timezone()


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def test_walk_in_registration_on_time_per_salesperson(sales_sam, sales_sue, store_a):
    day = timezone.localdate()
    on_time = walk_in_arrive(user=sales_sam)
    walk_in_register(user=sales_sam, walk_in=on_time, name="甲", mobile="13700003001", main_need="看车")
    late = walk_in_arrive(user=sales_sam, at=timezone.now() - dt.timedelta(minutes=10))
    walk_in_register(user=sales_sam, walk_in=late, name="乙", mobile="13700003002", main_need="看车")
    walk_in_arrive(user=sales_sue)  # never registered
    rows = kpi_walk_in_registration_daily(day=day)
    assert sorted(rows, key=lambda r: r["staff_id"]) == [
        {"store_id": store_a.id, "staff_id": sales_sam.id, "numerator": 1, "denominator": 2},
        {"store_id": store_a.id, "staff_id": sales_sue.id, "numerator": 0, "denominator": 1},
    ]
    assert kpi_walk_in_registration_daily(day=day - dt.timedelta(days=1)) == []


def test_walk_ins_count_on_their_local_day(sales_sam):
    day = dt.date(2026, 3, 2)
    walk_in_arrive(user=sales_sam, at=at(day, 0) + dt.timedelta(minutes=30))  # 16:30 UTC the day before
    assert kpi_walk_in_registration_daily(day=day)[0]["denominator"] == 1
    assert kpi_walk_in_registration_daily(day=day - dt.timedelta(days=1)) == []
    assert WalkIn.objects.count() == 1


def test_conversion_is_won_over_closed_that_day(sales_sam, prospect, quote, store_a):
    from showroom.services import prospect_win

    other = prospect_create(user=sales_sam, name="刘芳", mobile="13700001002", source="phone")
    prospect_win(user=sales_sam, prospect=prospect)
    prospect_lose(user=sales_sam, prospect=other, reason="price")
    prospect_create(user=sales_sam, name="赵强", mobile="13700001003", source="event")  # still open
    assert kpi_showroom_conversion_daily(day=timezone.localdate()) == [
        {"store_id": store_a.id, "staff_id": sales_sam.id, "numerator": 1, "denominator": 2}
    ]


def test_test_drive_rate_counts_same_day_drives_of_first_visits(sales_sam, store_a):
    day = dt.date(2026, 3, 2)
    for n, (visit, drive) in enumerate(
        [(at(day, 10), at(day, 11)), (at(day, 14), None), (at(day, 15), at(day, 15) + dt.timedelta(days=2))]
    ):
        prospect = prospect_create(user=sales_sam, name=f"客{n}", mobile=f"1370000400{n}", source="walk_in")
        Prospect.objects.filter(pk=prospect.pk).update(first_visit_at=visit, test_drive_at=drive)
    assert kpi_test_drive_rate_daily(day=day) == [
        {"store_id": store_a.id, "staff_id": sales_sam.id, "numerator": 1, "denominator": 3}
    ]


def test_the_funnel_per_salesperson_with_sources_and_lost_reasons(sales_sam, sales_sue, prospect, quote, advisor_bob):
    from showroom.services import prospect_advance, prospect_win

    lost = prospect_create(user=sales_sue, name="刘芳", mobile="13700001002", source="phone")
    prospect_advance(user=sales_sue, prospect=lost, status="visited")
    prospect_lose(user=sales_sue, prospect=lost, reason="competitor")
    prospect_win(user=sales_sam, prospect=prospect)
    today = timezone.localdate()
    funnel = sales_funnel(user=sales_sam, since=today, until=today)
    rows = {row["owner__username"]: row for row in funnel["rows"]}
    assert (rows["sam"]["leads"], rows["sam"]["quoted"], rows["sam"]["won"], str(rows["sam"]["conversion"])) == (1, 1, 1, "100.0")
    assert (rows["sue"]["visited"], rows["sue"]["lost"], str(rows["sue"]["visit_rate"])) == (1, 1, "100.0")
    assert funnel["totals"]["leads"] == 2 and str(funnel["totals"]["conversion"]) == "50.0"
    assert {s["source"]: s["count"] for s in funnel["by_source"]} == {"online": 1, "phone": 1}
    assert funnel["lost_reasons"] == [{"lost_reason": "competitor", "count": 1}]
    assert sales_funnel(user=advisor_bob, since=today, until=today)["rows"] == []  # store B sees nothing of A


def test_the_daily_kpi_sources_read_one_day_through_an_index(db):
    from django.db import connection

    from showroom.models import WalkIn

    start = at(dt.date(2026, 3, 2), 0)
    queries = [
        WalkIn.objects.filter(arrived_at__gte=start, arrived_at__lt=start + dt.timedelta(days=1)),
        Prospect.objects.filter(first_visit_at__gte=start, first_visit_at__lt=start + dt.timedelta(days=1)),
    ]
    for queryset in queries:
        plan = queryset.values("store_id").explain()
        if connection.vendor == "sqlite":
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
