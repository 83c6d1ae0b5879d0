"""In Debian's Chromium: open a complaint from the staff form and watch its clock tick."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from complaints.services import complaint_templates_ensure
from conftest import make_user
from customers.services import customer_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_a_complaint_and_see_its_clock(live_server, browser_page, group, store_a):
    complaint_templates_ensure()  # a transactional test starts from an empty database
    handler = make_user("carol", Role.COMPLAINT_HANDLER, group, [store_a])
    handler.set_password("pw-secret-1")
    handler.save()
    customer = customer_create(user=handler, name="张三", mobile="13812341234")

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/customers/")

    page.goto(f"{live_server.url}/complaints/new/?customer={customer.id}")
    page.fill("input[name=title]", "保养后底盘异响")
    page.select_option("select[name=category]", "repair")
    page.select_option("select[name=channel]", "phone")
    page.fill("textarea[name=description]", "上周保养后底盘一直有响声")
    page.click("main button[type=submit]")
    page.wait_for_url("**/complaints/*/")

    clock = page.locator("[data-testid=clock-respond] [data-clock-live]")  # marked by static/js/sla-clock.js
    clock.wait_for()
    first = clock.inner_text()
    assert first.startswith("剩余 23:5") and "clock-ok" in clock.get_attribute("class")
    expect(clock).not_to_have_text(first, timeout=5000)  # it ticks
    assert page.locator("text=登记投诉").count() >= 1
