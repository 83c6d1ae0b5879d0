"""In Debian's Chromium: an advisor receives a car from the customer 360 page, records the problem,
plans and prices it, records the customer's approval; the customer's progress link shows step 4."""

import datetime as dt

import pytest
from django.utils import timezone

from workshop.models import RepairOrder
from workshop.progress import progress_token, workshop_templates_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username: str):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")


def test_an_advisor_runs_reception_to_approval(live_server, browser_page, advisor_alice, customer_a, vehicle_a, tmp_path):
    workshop_templates_ensure()
    page = browser_page
    _login(page, live_server, "alice")
    page.goto(f"{live_server.url}/customers/{customer_a.pk}/")
    page.click("section[aria-label=维修工单] a.button")
    page.fill("input[name=odometer_km]", "9000")
    page.click("button:has-text('开单')")
    page.wait_for_selector("text=七步流程")
    page.fill("#record_form textarea[name=complaint]", "冷启动时发动机抖动")
    page.select_option("#record_form select[name=system]", "engine")
    page.fill("#record_form textarea[name=walk_around]", "左前保险杠有划痕")
    page.click("#record_form button[type=submit]")
    promised = timezone.localtime(timezone.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#plan_form textarea[name=diagnosis]", "点火线圈老化")
    page.fill("#plan_form input[name=promised_at]", promised)
    page.click("#plan_form button:has-text('保存方案')")
    page.fill(".ro-item-form input[name=description]", "更换点火线圈")
    page.fill(".ro-item-form input[name=quantity]", "4")
    page.fill(".ro-item-form input[name=unit_price]", "165.5")
    page.click(".ro-item-form button[type=submit]")
    assert page.inner_text("[data-testid=estimate-total]") == "¥662.00"
    page.click("button:has-text('登记客户确认')")
    page.wait_for_selector("text=已登记客户确认")
    page.screenshot(path=str(tmp_path / "repair_order.png"), full_page=True)
    order = RepairOrder.objects.get()
    assert order.state == "confirmed" and order.system == "engine"

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/p/{progress_token(order)}/")
    assert "第 4 步" in page.inner_text("[data-testid=current-step]")
