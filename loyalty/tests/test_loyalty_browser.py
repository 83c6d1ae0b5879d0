"""In Debian's Chromium: the loyalty card of the customer 360 page redeems points through htmx."""

import pytest
from playwright.sync_api import expect

from customers.services import customer_create
from loyalty.services import points_earn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_redeem_points_on_the_customer_page(live_server, browser_page, advisor_alice):
    customer = customer_create(user=advisor_alice, name="张三", mobile="13812341234")
    points_earn(customer=customer, kind="manual", points=100, reason="开业赠送")

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/customers/")
    page.goto(f"{live_server.url}/customers/{customer.id}/")

    form = page.locator("[data-testid=redeem-form]")
    form.locator("input[name=points]").fill("150")
    form.locator("input[name=service]").fill("保养工时抵扣")
    form.locator("button").click()
    expect(page.locator("section[aria-label=会员与推荐] .error")).to_contain_text("积分余额不足")

    form = page.locator("[data-testid=redeem-form]")
    form.locator("input[name=points]").fill("60")
    form.locator("button").click()
    expect(page.locator("[data-testid=loyalty-notice]")).to_have_text("已兑换 60 积分：保养工时抵扣")
    expect(page.locator("[data-testid=loyalty-summary] strong")).to_have_text("40")
