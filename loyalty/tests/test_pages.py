import datetime as dt

import pytest
from django.utils import timezone

from customers.services import customer_create
from loyalty.models import EventSignup, PointsEntry, Referral
from loyalty.services import event_create, points_earn

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_browser(client, advisor_alice):
    client.force_login(advisor_alice)
    return client


def test_the_customer_card_shows_tier_balance_and_lets_staff_redeem(alice_browser, customer_a):
    points_earn(customer=customer_a, kind="manual", points=100, reason="测试")
    card = alice_browser.get(f"/loyalty/customers/{customer_a.pk}/card/")
    assert card.status_code == 200
    assert "普通" in card.content.decode() and "<strong>100</strong>" in card.content.decode()

    too_much = alice_browser.post(f"/loyalty/customers/{customer_a.pk}/card/redeem/", {"points": 101, "service": "洗车"})
    assert too_much.status_code == 422 and "积分余额不足" in too_much.content.decode()
    done = alice_browser.post(f"/loyalty/customers/{customer_a.pk}/card/redeem/", {"points": 40, "service": "洗车"})
    assert done.status_code == 200 and "已兑换 40 积分" in done.content.decode()
    assert PointsEntry.objects.filter(kind="redeem").count() == 1


def test_the_customer_page_loads_the_card(alice_browser, customer_a):
    page = alice_browser.get(f"/customers/{customer_a.pk}/")
    assert f"/loyalty/customers/{customer_a.pk}/card/" in page.content.decode()


def test_a_referral_is_recorded_from_the_card_and_listed(alice_browser, customer_a):
    bad = alice_browser.post(
        f"/loyalty/customers/{customer_a.pk}/card/refer/", {"prospect_name": "王五", "prospect_mobile": "123"}
    )
    assert bad.status_code == 422 and "手机号" in bad.content.decode()
    ok = alice_browser.post(
        f"/loyalty/customers/{customer_a.pk}/card/refer/", {"prospect_name": "王五", "prospect_mobile": "13900001111"}
    )
    assert ok.status_code == 200 and Referral.objects.count() == 1

    listing = alice_browser.get("/loyalty/referrals/")
    assert "王五" in listing.content.decode() and "转介绍率" in listing.content.decode()
    assert "王五" in alice_browser.get(f"/loyalty/customers/{customer_a.pk}/referrals/").content.decode()


def test_pages_render(alice_browser, customer_a):
    for url in ["/loyalty/", "/loyalty/referrals/", "/loyalty/events/", f"/loyalty/customers/{customer_a.pk}/points/"]:
        assert alice_browser.get(url).status_code == 200, url


def test_a_manager_creates_an_event_and_staff_sign_up_by_mobile(client, manager_mia, advisor_alice, customer_a):
    client.force_login(manager_mia)
    starts = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post("/loyalty/events/", {"title": "", "theme": "autumn_photo", "starts_at": starts, "capacity": 5})
    assert bad.status_code == 422
    response = client.post(
        "/loyalty/events/", {"title": "秋季摄影大赛", "theme": "autumn_photo", "starts_at": starts, "capacity": 5}
    )
    assert response.status_code == 302
    event_url = response.url

    client.post(f"{event_url}signup/", {"mobile": "138 1234 1234"})
    assert EventSignup.objects.filter(customer=customer_a).exists()
    page = client.get(event_url)
    assert "张三" in page.content.decode()


def test_the_card_signs_up_for_an_upcoming_event(alice_browser, manager_mia, customer_a):
    event = event_create(
        user=manager_mia, title="冬季公益行", theme="winter_charity", starts_at=timezone.now() + dt.timedelta(days=2), capacity=1
    )
    other = customer_create(user=manager_mia, name="乙", mobile="13900000002")
    EventSignup.objects.create(store_id=event.store_id, event=event, customer=other, signed_up_at=timezone.now())

    full = alice_browser.post(f"/loyalty/customers/{customer_a.pk}/card/signup/", {"event_id": event.pk})
    assert full.status_code == 409 and "活动名额已满" in full.content.decode()


def test_a_manager_adjusts_points_on_the_ledger_page(client, manager_mia, customer_a):
    client.force_login(manager_mia)
    bad = client.post(f"/loyalty/customers/{customer_a.pk}/points/", {"points": -5, "reason": "冲正"})
    assert bad.status_code == 422 and "积分余额不足" in bad.content.decode()
    assert client.post(f"/loyalty/customers/{customer_a.pk}/points/", {"points": 5, "reason": "补录活动积分"}).status_code == 302


def test_a_group_admin_sees_the_tier_rules_of_a_chosen_store(client, group_admin, store_b):
    client.force_login(group_admin)
    response = client.get(f"/loyalty/?store={store_b.pk}")
    assert response.status_code == 200 and "白金卡" in response.content.decode()


def test_a_manager_cancels_an_event(client, manager_mia):
    event = event_create(
        user=manager_mia, title="冬季公益行", theme="winter_charity", starts_at=timezone.now() + dt.timedelta(days=2), capacity=5
    )
    client.force_login(manager_mia)
    client.post(f"/loyalty/events/{event.pk}/cancel/")
    event.refresh_from_db()
    assert event.status == "cancelled"
