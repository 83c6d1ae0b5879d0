"""Staff pages: login required, masked mobiles, Chinese field errors, duplicate → existing customer."""

import datetime as dt

import pytest

from customers.models import Customer


@pytest.fixture
def alice_browser(client, advisor_alice):
    client.force_login(advisor_alice)
    return client


def test_pages_need_a_login(client, db):
    response = client.get("/customers/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_page_logs_staff_in(client, advisor_alice):
    response = client.post("/login/", {"username": "alice", "password": "pw-secret-1"})
    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200


def test_the_list_shows_masked_mobiles_only(alice_browser, customer_a):
    html = alice_browser.get("/customers/").content.decode()
    assert "138****1234" in html and "13812341234" not in html


def test_search_with_htmx_returns_only_the_results(alice_browser, customer_a, vehicle_a):
    response = alice_browser.get("/customers/", {"q": "粤bd12345"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "张三" in html and "<nav" not in html.split("<table")[0]


def test_the_360_page_shows_profile_vehicles_and_timeline(alice_browser, customer_a, vehicle_a, advisor_alice):
    from customers.services import interaction_create
    from vehicles.services import odometer_record

    odometer_record(user=advisor_alice, vehicle=vehicle_a, km=5000, read_on=dt.date(2025, 1, 1))
    interaction_create(user=advisor_alice, customer=customer_a, channel="phone_out", direction="out", summary="提醒首保")
    html = alice_browser.get(f"/customers/{customer_a.id}/").content.decode()
    for text in ("张三", "138****1234", "粤BD12345", "汉EV", "5000", "提醒首保", "odometer-data"):
        assert text in html, text
    assert "13812341234" not in html


def test_the_create_form_shows_chinese_field_errors_and_saves_nothing(alice_browser):
    response = alice_browser.post("/customers/new/", {"name": "", "mobile": "12345", "member_tier": "none"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in html
    response = alice_browser.post("/customers/new/", {"name": "王五", "mobile": "12345", "member_tier": "none"})
    assert "手机号" in response.content.decode() and 'id="mobile-error"' in response.content.decode()
    assert not Customer.objects.exists()


def test_a_duplicate_mobile_offers_the_existing_customer(alice_browser, customer_a):
    response = alice_browser.post("/customers/new/", {"name": "张三丰", "mobile": "13812341234", "member_tier": "none"})
    assert f"/customers/{customer_a.id}/" in response.content.decode()
    assert Customer.objects.count() == 1


def test_create_then_edit(alice_browser):
    response = alice_browser.post(
        "/customers/new/", {"name": "王五", "mobile": "13700000000", "member_tier": "gold", "manual_tags": "车队，VIP"}
    )
    customer = Customer.objects.get()
    assert response.status_code == 302 and customer.manual_tags == ["车队", "VIP"]
    form = {"name": "王五", "mobile": "13700000000", "member_tier": "gold", "company": "顺达物流", "extra_mobiles": "13700000001"}
    assert alice_browser.post(f"/customers/{customer.id}/edit/", form).status_code == 302
    assert customer.mobiles.count() == 2


def test_saving_the_edit_form_keeps_a_tier_that_changed_meanwhile_and_pins_only_a_chosen_one(alice_browser, customer_a):
    page = alice_browser.get(f"/customers/{customer_a.id}/edit/").content.decode()
    assert 'name="shown_member_tier" value="none"' in page
    Customer.objects.filter(pk=customer_a.pk).update(member_tier="gold")  # the nightly job, while the page was open
    form = {"name": "张三", "mobile": "13812341234", "member_tier": "none", "shown_member_tier": "none"}
    assert alice_browser.post(f"/customers/{customer_a.id}/edit/", form).status_code == 302
    customer_a.refresh_from_db()
    assert (customer_a.member_tier, customer_a.member_tier_floor) == ("gold", "none")
    form.update(member_tier="platinum", shown_member_tier="gold")  # chosen by hand: a floor
    assert alice_browser.post(f"/customers/{customer_a.id}/edit/", form).status_code == 302
    customer_a.refresh_from_db()
    assert (customer_a.member_tier, customer_a.member_tier_floor) == ("platinum", "platinum")


def test_vehicle_form_and_odometer_entry(alice_browser, customer_a):
    form = {
        "vin": "LSVAB2BM5KN000001",
        "plate": "粤a12345",
        "brand": "大众",
        "model": "帕萨特",
        "powertrain": "petrol",
        "purchase_date": "2024-01-01",
    }
    response = alice_browser.post(f"/vehicles/new/for/{customer_a.id}/", form, follow=True)
    assert "校验位" in response.content.decode()  # the warning is shown, the vehicle saved
    vehicle = customer_a.vehicles.get()
    alice_browser.post(f"/vehicles/{vehicle.id}/odometer/", {"km": 900, "read_on": "2025-01-01", "source": "workshop"})
    response = alice_browser.post(
        f"/vehicles/{vehicle.id}/odometer/", {"km": 100, "read_on": "2025-02-01", "source": "workshop"}, follow=True
    )
    assert "不能低于上次记录" in response.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 900


def test_an_interaction_is_added_from_the_360_page(alice_browser, customer_a):
    response = alice_browser.post(
        f"/customers/{customer_a.id}/interactions/",
        {"channel": "wechat", "direction": "in", "summary": "咨询保养"},
        HTTP_HX_REQUEST="true",
    )
    assert "咨询保养" in response.content.decode()
    assert customer_a.interactions.count() == 1


def test_every_navigation_entry_opens(alice_browser):
    from core.context_processors import NAVIGATION

    for url_name, _label, slug in NAVIGATION:
        url = f"/m/{slug}/" if url_name == "module" else None
        if url:
            assert alice_browser.get(url).status_code == 200, url
    assert alice_browser.get("/vehicles/").status_code == 200
    assert alice_browser.get("/m/nonsense/").status_code == 404
