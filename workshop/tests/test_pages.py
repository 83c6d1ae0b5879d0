"""The staff pages: list with filters and paging, opening, the detail page and its actions, the bill,
my jobs and the customer 360 card; errors come back as field messages with 422."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from workshop.models import RepairOrder
from workshop.tests.conftest import approved_order, plan_order


def test_the_list_filters_by_state_and_advisor(client, advisor_alice, order_a):
    client.force_login(advisor_alice)
    page = client.get("/workshop/", {"state": "draft", "advisor": advisor_alice.pk})
    assert page.status_code == 200 and f"#{order_a.pk}" in page.content.decode()
    assert f"#{order_a.pk}" not in client.get("/workshop/", {"state": "ready"}).content.decode()
    assert client.get("/workshop/", {"page": "abc", "state": "nonsense"}).status_code == 200


def test_opening_an_order_from_the_plate(client, advisor_alice, vehicle_a, technician_tom):
    client.force_login(advisor_alice)
    form = client.get("/workshop/new/", {"plate": "粤BD12345"})
    assert form.status_code == 200 and "接车开单" in form.content.decode()
    response = client.post(f"/workshop/new/?vehicle={vehicle_a.pk}", {"odometer_km": "8000", "technician_id": technician_tom.pk})
    order = RepairOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workshop/{order.pk}/"
    assert order.technician == technician_tom


def test_an_unknown_plate_returns_to_the_list(client, advisor_alice):
    client.force_login(advisor_alice)
    assert client.get("/workshop/new/", {"plate": "京A00000"}).status_code == 302


def test_a_lower_odometer_is_shown_next_to_the_field(client, advisor_alice, vehicle_a):
    client.force_login(advisor_alice)
    client.post(f"/workshop/new/?vehicle={vehicle_a.pk}", {"odometer_km": "8000"})
    RepairOrder.objects.update(state="cancelled")
    response = client.post(f"/workshop/new/?vehicle={vehicle_a.pk}", {"odometer_km": "100"})
    assert response.status_code == 422 and "里程不能低于上次记录" in response.content.decode()
    assert RepairOrder.objects.count() == 1


def test_the_detail_page_shows_the_seven_steps_and_markers(client, advisor_alice, order_a):
    client.force_login(advisor_alice)
    page = client.get(f"/workshop/{order_a.pk}/").content.decode()
    for name in ("接待", "问诊与环车检查", "诊断、方案与估价", "维修作业", "三级质检", "交车", "回访"):
        assert name in page
    assert 'aria-current="step"' in page


def test_the_actions_run_through_the_pages(client, advisor_alice, technician_tom, order_a):
    client.force_login(advisor_alice)
    base = f"/workshop/{order_a.pk}"
    assert client.post(f"{base}/record/", {"complaint": "异响", "system": "brakes", "walk_around": "完好"}).status_code == 302
    promised = timezone.localtime(timezone.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"{base}/plan/", {"diagnosis": "刹车片", "promised_at": promised}).status_code == 302
    assert (
        client.post(f"{base}/items/", {"kind": "labour", "description": "更换", "quantity": "1", "unit_price": "150"}).status_code
        == 302
    )
    bad = client.post(f"{base}/items/", {"kind": "parts", "description": "片", "quantity": "-1", "unit_price": "10"})
    assert bad.status_code == 422
    assert client.post(f"{base}/approve/", {"method": "signature"}).status_code == 302
    order_a.refresh_from_db()
    assert order_a.state == "confirmed" and order_a.estimate_total == 150
    client.force_login(technician_tom)
    assert client.post(f"{base}/start/").status_code == 302
    item = order_a.items.get()
    assert client.post(f"{base}/items/{item.pk}/remove/").status_code == 302
    order_a.refresh_from_db()
    assert order_a.awaiting_reapproval
    assert "需客户重新确认" in client.get(f"{base}/").content.decode()
    blocked = client.post(f"{base}/submit-qc/")
    assert blocked.status_code == 422 and "重新确认" in blocked.content.decode()


def test_qc_and_delivery_pages(client, advisor_alice, technician_tom, leader_lee, vehicle_a):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    base = f"/workshop/{order.pk}"
    client.force_login(technician_tom)
    client.post(f"{base}/start/")
    client.post(f"{base}/submit-qc/")
    assert client.post(f"{base}/qc/", {"level": "1", "passed": "1"}).status_code == 302
    client.force_login(leader_lee)
    skipped = client.post(f"{base}/qc/", {"level": "3", "passed": "1"})
    assert skipped.status_code == 422
    assert client.post(f"{base}/qc/", {"level": "2", "passed": "1"}).status_code == 302
    client.force_login(advisor_alice)
    assert client.post(f"{base}/qc/", {"level": "3", "passed": "1"}).status_code == 302
    bad_date = client.post(
        f"{base}/deliver/", {"old_parts_shown": "on", "next_visit_advice": "x", "advice_remind_on": "2000-01-01"}
    )
    assert bad_date.status_code == 422
    assert client.post(f"{base}/deliver/", {"old_parts_shown": "on", "next_visit_advice": "更换雨刮"}).status_code == 302
    bill = client.get(f"{base}/bill/").content.decode()
    assert "已向客户展示" in bill and "¥780.50" in bill
    assert client.post(f"{base}/close/").status_code == 302
    order.refresh_from_db()
    assert order.state == "closed"


def test_my_jobs_and_the_customer_card(client, advisor_alice, technician_tom, vehicle_a, customer_a):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    client.force_login(technician_tom)
    assert f"#{order.pk}" in client.get("/workshop/mine/").content.decode()
    client.force_login(advisor_alice)
    card = client.get(f"/workshop/customers/{customer_a.pk}/card/").content.decode()
    assert f"#{order.pk}" in card and "接车开单" in card
    assert "workshop/customers/" in client.get(f"/customers/{customer_a.pk}/").content.decode()


def test_a_cancel_without_reason_is_422(client, advisor_alice, order_a):
    client.force_login(advisor_alice)
    assert client.post(f"/workshop/{order_a.pk}/cancel/", {"reason": ""}).status_code == 422
    plan_order(advisor_alice, order_a)
    assert client.post(f"/workshop/{order_a.pk}/cancel/", {"reason": "客户改期"}).status_code == 302


def test_an_item_price_is_edited_on_the_page(client, advisor_alice, order_a):
    order = plan_order(advisor_alice, order_a)
    item = order.items.get(kind="parts")
    client.force_login(advisor_alice)
    assert client.post(f"/workshop/{order.pk}/items/{item.pk}/", {"quantity": "2", "unit_price": "100"}).status_code == 302
    assert client.post(f"/workshop/{order.pk}/items/{item.pk}/", {"quantity": "2", "unit_price": "-1"}).status_code == 422
    order.refresh_from_db()
    assert order.estimate_total == Decimal("500.00")
    assert client.post(f"/workshop/{order.pk}/items/999999/", {"quantity": "1", "unit_price": "1"}).status_code == 404


def test_the_list_filters_repeat_repairs(client, api_alice, advisor_alice, order_a):
    client.force_login(advisor_alice)
    assert f"#{order_a.pk}" not in client.get("/workshop/", {"repeat": "on"}).content.decode()
    assert api_alice.get("/api/repair-orders", {"repeat_only": "true"}).json()["count"] == 0
    RepairOrder.objects.filter(pk=order_a.pk).update(is_repeat_repair=True)
    assert f"#{order_a.pk}" in client.get("/workshop/", {"repeat": "on"}).content.decode()
    assert api_alice.get("/api/repair-orders", {"repeat_only": "true"}).json()["count"] == 1


def test_a_hasty_problem_recording_is_marked_too_short(client, advisor_alice, order_a):
    plan_order(advisor_alice, order_a)  # recorded within seconds of reception
    client.force_login(advisor_alice)
    assert "过短" in client.get(f"/workshop/{order_a.pk}/").content.decode()
