"""Staff pages in zh-Hans: every page renders; bad input shows the Chinese message with 422 and saves nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from showroom.delivery import delivery_start, pdi_token
from showroom.models import Prospect, Quote, TestDrive
from showroom.services import prospect_win, walk_in_arrive


@pytest.fixture
def sam_browser(client, sales_sam):
    client.force_login(sales_sam)
    return client


def test_every_page_renders(sam_browser, prospect, quote, demo_car, plan_36, song, accord):
    for url in [
        "/showroom/",
        "/showroom/prospects/new/",
        f"/showroom/prospects/{prospect.id}/",
        f"/showroom/prospects/{prospect.id}/quotes/new/",
        f"/showroom/quotes/{quote.id}/",
        "/showroom/reception/",
        "/showroom/test-drives/",
        f"/showroom/compare/?first={song.id}&second={accord.id}",
        "/showroom/finance/?price=200000&down_payment=60000",
        "/showroom/settings/",
        "/showroom/funnel/",
    ]:
        response = sam_browser.get(url)
        assert response.status_code == 200, url
    html = sam_browser.get(f"/showroom/quotes/{quote.id}/").content.decode()
    for text in ("购车报价单", "168600.00", "全车脚垫与行车记录仪", "首两次保养免费", "售后政策", "137****1001"):
        assert text in html, text
    assert "13700001001" not in html
    assert "4102.29" in sam_browser.get("/showroom/finance/?price=200000&down_payment=60000").content.decode()


def test_the_prospect_form_refuses_bad_input_in_chinese(sam_browser):
    response = sam_browser.post("/showroom/prospects/new/", {"name": "王五", "mobile": "12345", "source": "online"})
    assert response.status_code == 422 and "手机号" in response.content.decode()
    assert not Prospect.objects.exists()


def test_a_duplicate_offers_the_existing_prospect(sam_browser, prospect):
    response = sam_browser.post("/showroom/prospects/new/", {"name": "陈", "mobile": "13700001001", "source": "phone"})
    assert response.status_code == 422 and f"/showroom/prospects/{prospect.id}/" in response.content.decode()


def test_won_without_quote_and_lost_without_reason_show_messages(sam_browser, prospect):
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/win/")
    assert response.status_code == 422 and "尚未出具报价单" in response.content.decode()
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/lose/", {"reason": ""})
    assert response.status_code == 422 and "请选择战败原因" in response.content.decode()
    assert Prospect.objects.get().status == "new"


def test_a_test_drive_without_licence_check_shows_the_message(sam_browser, prospect, demo_car):
    start = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    body = {"demo_car_id": demo_car.id, "starts_at": start, "route": "city", "minutes": "30"}
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/test-drives/", body)
    assert response.status_code == 422 and "试驾前必须核验客户驾驶证" in response.content.decode()
    assert not TestDrive.objects.exists()
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/test-drives/", {**body, "licence_checked": "on"})
    assert response.status_code == 302 and TestDrive.objects.count() == 1


def test_a_negative_quote_line_shows_the_message_next_to_the_row(sam_browser, prospect, song):
    body = {"car_model_id": song.id, "line0_kind": "option", "line0_description": "座椅", "line0_amount": "-100"}
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/quotes/new/", body)
    html = response.content.decode()
    assert response.status_code == 422 and 'id="line0_amount-error"' in html and "金额不能为负数" in html
    assert not Quote.objects.exists()


def test_a_quote_with_promises_from_the_form(sam_browser, prospect, song, tech_pack):
    body = {
        "car_model_id": song.id,
        "package_ids": [tech_pack.id],
        "promise0_kind": "gift",
        "promise0_description": "行车记录仪",
        "promise0_value": "500",
    }
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/quotes/new/", body)
    quote = Quote.objects.get()
    assert response.status_code == 302 and quote.total == 168600 and quote.promises.get().description == "行车记录仪"


def test_delivery_without_pdi_shows_the_message(sam_browser, sales_sam, prospect, quote):
    prospect_win(user=sales_sam, prospect=prospect)
    delivery, _ = delivery_start(user=sales_sam, prospect=prospect, vin="LGXCE4CB0N0000007")
    response = sam_browser.post(f"/showroom/deliveries/{delivery.id}/complete/")
    assert response.status_code == 422 and "PDI 检查未完成" in response.content.decode()
    assert sam_browser.get(f"/showroom/deliveries/{delivery.id}/").status_code == 200


def test_the_public_pdi_report_needs_no_login(client, sales_sam, prospect, quote):
    prospect_win(user=sales_sam, prospect=prospect)
    delivery, _ = delivery_start(user=sales_sam, prospect=prospect, vin="LGXCE4CB0N0000007")
    response = client.get(f"/pdi/{pdi_token(delivery)}/")
    assert response.status_code == 200 and "交车前检查" in response.content.decode()
    assert client.get(f"/pdi/{pdi_token(delivery)}x/").status_code == 410


def test_the_reception_screen_shows_the_clock_and_identity(sam_browser, sales_sam, customer_a):
    walk_in_arrive(user=sales_sam)
    html = sam_browser.get("/showroom/reception/").content.decode()
    assert "data-clock-due" in html and "sla-clock.js" in html
    identity = sam_browser.get("/showroom/reception/identity/", {"w1-mobile": "13812341234"}).content.decode()
    assert "老客户" in identity and "张三" in identity


def test_the_customer_card(sam_browser, customer_a):
    assert sam_browser.get(f"/showroom/customers/{customer_a.id}/card/").status_code == 200


def test_a_prospect_is_transferred_from_its_page(sam_browser, prospect, sales_sue):
    response = sam_browser.post(f"/showroom/prospects/{prospect.id}/reassign/", {"owner_id": sales_sue.id})
    prospect.refresh_from_db()
    assert response.status_code == 302 and prospect.owner == sales_sue


def test_the_list_filters_my_prospects(sam_browser, prospect, sales_sue):
    from showroom.services import prospect_create

    prospect_create(user=sales_sue, name="刘芳", mobile="13700001002", source="phone")
    html = sam_browser.get("/showroom/", {"mine": "1"}).content.decode()
    assert "陈晓明" in html and "刘芳" not in html and "137****1001" in html and "13700001001" not in html


def test_the_new_prospect_form_looks_up_the_hidden_identity(sam_browser):
    html = sam_browser.get("/showroom/prospects/new/").content.decode()
    assert 'hx-get="/showroom/reception/identity/"' in html and 'id="identity"' in html
