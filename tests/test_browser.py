"""One walk through the staff UI in Debian's Chromium: log in, search a plate, open the 360 page."""

import datetime as dt

import pytest

from accounts.models import Role
from conftest import make_user
from customers.services import customer_create
from vehicles.services import odometer_record, vehicle_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_search_a_plate_and_see_the_masked_mobile(live_server, browser_page, group, store_a):
    advisor = make_user("alice", Role.ADVISOR, group, [store_a])
    advisor.set_password("pw-secret-1")
    advisor.save()
    customer = customer_create(user=advisor, name="张三", mobile="13812341234")
    vehicle, _ = vehicle_create(
        user=advisor,
        owner=customer,
        vin="1M8GDM9AXKP042788",
        plate="粤B·D12345",
        brand="比亚迪",
        model="汉EV",
        powertrain="bev",
        purchase_date=dt.date(2024, 3, 1),
    )
    odometer_record(user=advisor, vehicle=vehicle, km=6000, read_on=dt.date(2025, 3, 1))

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/customers/")

    page.fill("input.bigsearch", "粤bd12345")  # lower case, no separator: still found
    page.wait_for_selector("#results >> text=张三")
    page.click("#results >> text=张三")
    page.wait_for_url(f"**/customers/{customer.id}/")

    assert page.locator("[data-testid=mobile]").first.inner_text() == "138****1234"
    assert "13812341234" not in page.content()
    assert page.locator("text=粤BD12345").count() >= 1
    page.wait_for_function("document.getElementById('odometer-chart').toDataURL().length > 2000")
