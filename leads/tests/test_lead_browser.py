"""In Debian's Chromium: an advisor records a lead on a repair order; the salesperson logs in and
finds it in their list (issue 8 "done when")."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from conftest import make_user
from customers.services import customer_create
from vehicles.services import vehicle_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, url, username):
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/customers/")


def test_a_lead_recorded_on_a_repair_order_reaches_the_salesperson(live_server, browser_page, group, store_a):
    import datetime as dt

    from workshop.services import repair_order_open

    advisor = make_user("ada", Role.ADVISOR, group, [store_a])
    salesperson = make_user("sam", Role.SALESPERSON, group, [store_a])
    customer = customer_create(user=advisor, name="王五", mobile="13712345678")
    vehicle, _ = vehicle_create(
        user=advisor, owner=customer, vin="1M8GDM9AXKP042788", plate="粤B·L8888", model="途观",
        powertrain="petrol", purchase_date=dt.date(2023, 5, 1),
    )  # fmt: skip
    vehicle.salesperson = salesperson
    vehicle.save(update_fields=["salesperson"])
    order = repair_order_open(user=advisor, vehicle=vehicle, odometer_km=30000, complaint="常规保养")

    page = browser_page
    _login(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/workshop/{order.id}/")
    form = page.locator("[data-testid=lead-form]")
    form.locator("select[name=kind]").select_option("additional_purchase")
    form.locator("select[name=grade]").select_option("A")
    form.locator("textarea[name=description]").fill("家里添了二胎，想再买一台七座车")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=lead-saved]")).to_contain_text("已推送给销售顾问 sam")

    page.click("text=退出")
    _login(page, live_server.url, "sam")
    page.goto(f"{live_server.url}/leads/")
    rows = page.locator("[data-testid=lead-list] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("家里添了二胎")
    expect(rows.first).to_contain_text("维修工单")
