"""The dashboard, its API, exports, the review page and incentive figures; bad input and isolation."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from conftest import api_client_for, make_user
from kpis.models import BestPractice, KpiDaily, KpiStaffDaily

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def figures(store_a, store_b, advisor_alice):
    KpiDaily.objects.create(kpi="follow_up_rate", store=store_a, day=DAY, numerator=91, denominator=100)
    KpiDaily.objects.create(kpi="follow_up_rate", store=store_b, day=DAY, numerator=50, denominator=50)
    KpiStaffDaily.objects.create(kpi="follow_up_rate", store=store_a, staff=advisor_alice, day=DAY, numerator=91, denominator=100)


def figure_of(body, key):
    return next(k for k in body["kpis"] if k["key"] == key)


def test_the_api_returns_the_dashboards_figures(api_alice, figures):
    response = api_alice.get("/api/kpis", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["code"] for s in body["stores"]] == ["A01"]  # only alice's store
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-03-31")
    follow_up = figure_of(body, "follow_up_rate")
    assert (Decimal(follow_up["value"]), follow_up["target"], follow_up["status"]) == (Decimal("91.0"), 100, "below")
    assert figure_of(body, "satisfaction")["value"] is None  # nothing measured: null, shown as "—"


def test_a_group_admin_sees_the_group_and_each_store(group_admin, figures, store_b):
    api = api_client_for(group_admin)
    body = api.get("/api/kpis", {"period": "month", "on": "2026-03-15"}).json()
    assert Decimal(figure_of(body, "follow_up_rate")["value"]) == Decimal("94.0")  # (91 + 50) / 150
    by_store = api.get("/api/kpis/by-store", {"period": "month", "on": "2026-03-15"}).json()
    assert [Decimal(figure_of(s, "follow_up_rate")["value"]) for s in by_store] == [Decimal("91.0"), Decimal("100.0")]
    one = api.get("/api/kpis", {"store": store_b.pk, "from": "2026-03-10", "to": "2026-03-10"}).json()
    assert figure_of(one, "follow_up_rate")["status"] == "ok"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),  # reversed
        ({"from": "1900-01-01", "to": "2026-03-01"}, "from"),  # absurd
        ({"from": "2020-01-01", "to": "2026-03-01"}, "to"),  # longer than kpis.max_range_days
        ({"period": "decade"}, "period"),
        ({"store": 999999, "from": "2026-03-01", "to": "2026-03-02"}, "store"),  # unknown store
        ({}, "from"),
    ],
)
def test_bad_periods_and_unknown_stores_are_422(api_alice, params, field):
    response = api_alice.get("/api/kpis", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_another_stores_figures_are_404(api_alice, store_b):
    assert api_alice.get("/api/kpis", {"store": store_b.pk, "from": "2026-03-01", "to": "2026-03-02"}).status_code == 404


def test_trend_and_staff_figures(api_alice, figures, advisor_alice):
    trend = api_alice.get("/api/kpis/trend", {"kpi": "follow_up_rate", "from": "2026-03-09", "to": "2026-03-11"}).json()
    assert trend["labels"] == ["2026-03-09", "2026-03-10", "2026-03-11"]
    assert trend["values"] == [None, 91.0, None]
    assert trend["target"] == 100
    staff = api_alice.get("/api/kpis/by-staff", {"kpi": "follow_up_rate", "from": "2026-03-01", "to": "2026-03-31"}).json()
    assert [(s["staff_id"], Decimal(s["value"])) for s in staff] == [(advisor_alice.pk, Decimal("91.0"))]
    assert api_alice.get("/api/kpis/trend", {"kpi": "nope", "from": "2026-03-01", "to": "2026-03-02"}).status_code == 422


def test_the_dashboard_page_shows_figures_and_dash_for_empty(client, advisor_alice, figures):
    client.force_login(advisor_alice)
    page = client.get(reverse("kpis:index"), {"period": "month", "on": "2026-03-15"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "回访率" in html and "91.0%" in html and "kpi-below" in html
    assert "—" in html
    assert 'id="kpi-charts"' in html


def test_the_dashboard_page_explains_bad_input_in_chinese(client, advisor_alice, store_b):
    client.force_login(advisor_alice)
    page = client.get(reverse("kpis:index"), {"period": "custom", "start": "2026-03-31", "end": "2026-03-01"})
    assert page.status_code == 422
    assert "结束日期不能早于开始日期" in page.content.decode()
    page = client.get(reverse("kpis:index"), {"store": store_b.pk})
    assert page.status_code == 422 and "门店不存在或无权查看" in page.content.decode()


def test_drill_down_lists_the_missed_items(client, advisor_alice, figures):
    client.force_login(advisor_alice)
    page = client.get(reverse("kpis:drill", args=["follow_up_rate"]), {"period": "month", "on": "2026-03-15"})
    assert page.status_code == 200
    assert "未达标明细" in page.content.decode()
    assert client.get(reverse("kpis:drill", args=["nope"])).status_code == 404


def test_exports_hold_the_dashboard_table(client, advisor_alice, figures):
    client.force_login(advisor_alice)
    query = {"period": "month", "on": "2026-03-15"}
    response = client.get(reverse("kpis:export", args=["summary", "csv"]), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["指标", "数值", "单位", "目标"]
    assert ["回访率", "91.0", "%", "100.0", "91.0", "100.0", "未达标"] in rows

    response = client.get(reverse("kpis:export", args=["summary", "xlsx"]), query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("期间：2026-03-01")
    assert ["回访率", 91.0, "%", 100.0, 91.0, 100.0, "未达标"] in values

    response = client.get(reverse("kpis:export", args=["staff", "csv"]), {**query, "kpi": "follow_up_rate"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1] == ["alice", "91.0", "91.0", "100.0"]
    assert client.get(reverse("kpis:export", args=["summary", "pdf"]), query).status_code == 404


def test_best_practice_and_review(client, group, store_a, store_b, advisor_bob):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    client.force_login(manager)
    response = client.post(reverse("kpis:review"), {"month": "2026-03-05", "title": "", "body": "x"})
    assert response.status_code == 422 and "必填" in response.content.decode()
    response = client.post(
        reverse("kpis:review"), {"month": "2026-03-05", "title": "夜间值班", "body": "投诉响应提升到 98%", "shared": "on"}
    )
    assert response.status_code == 302
    assert BestPractice.objects.get().month == dt.date(2026, 3, 1)
    # shared with the group: bob of store B reads it through the API
    cases = api_client_for(advisor_bob).get("/api/kpis/best-practices").json()
    assert [c["title"] for c in cases] == ["夜间值班"]
    assert client.get(reverse("kpis:review"), {"month": "2026-03"}).status_code == 200


def test_incentive_figures_are_for_management(client, api_alice, advisor_alice, group, store_a):
    assert api_alice.get("/api/kpis/incentives", {"month": "2026-03-01"}).status_code == 403
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    body = api_client_for(manager).get("/api/kpis/incentives", {"month": "2026-03-15"}).json()
    assert body["month"] == "2026-03-01" and body["sales_commission"] == []
    client.force_login(manager)
    assert client.get(reverse("kpis:incentives"), {"month": "2026-03"}).status_code == 200
