"""Staff pages: the queue, the complaint with its clocks and timeline, the escalation inbox, the
red-alert banner for managers; forms go through the services and show their messages."""

import pytest

from complaints.models import Complaint, ContactRequest
from complaints.services import red_alert_scan, sla_escalate_due
from complaints.tests.conftest import hours_later


@pytest.fixture
def alice_browser(client, advisor_alice):
    client.force_login(advisor_alice)
    return client


def test_a_complaint_is_opened_from_the_customer_and_shows_its_clocks(alice_browser, customer_a):
    assert "张三" in alice_browser.get("/complaints/new/", {"customer": customer_a.id}).content.decode()
    form = {"customer_id": customer_a.id, "title": "异响", "category": "repair", "channel": "phone", "description": "底盘异响"}
    response = alice_browser.post("/complaints/new/", form)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{complaint.id}/"
    html = alice_browser.get(response["Location"]).content.decode()
    for text in ("首次响应", "本级处理时限", "结案", 'data-testid="clock"', "data-clock-due", "剩余 23:59", "登记投诉"):
        assert text in html, text


def test_another_stores_customer_cannot_be_complained_about(alice_browser, customer_b):
    assert alice_browser.get("/complaints/new/", {"customer": customer_b.id}).status_code == 404


def test_actions_run_through_the_services_and_report_errors(alice_browser, complaint_a):
    url = f"/complaints/{complaint_a.id}"
    response = alice_browser.post(
        f"{url}/close/", {"root_cause": "x", "cause": "other", "confirmation": "confirmed"}, follow=True
    )
    assert "请先响应客户" in response.content.decode()
    alice_browser.post(f"{url}/respond/", {"note": "已联系客户"})
    response = alice_browser.post(f"{url}/close/", {"solution": "重新紧固", "cause": "other"}, follow=True)
    html = response.content.decode()
    assert "结案须填写根本原因" in html and "结案须有客户确认" in html
    response = alice_browser.post(f"{url}/compensate/", {"kind": "full_refund", "amount": "100"}, follow=True)
    assert "L3" in response.content.decode()
    closing = {"solution": "重新紧固", "root_cause": "螺栓松动", "cause": "workmanship", "confirmation": "confirmed"}
    alice_browser.post(f"{url}/close/", closing)
    assert Complaint.objects.get(pk=complaint_a.pk).status == "closed"
    assert "按时完成" in alice_browser.get(f"{url}/").content.decode()


def test_the_contact_queue_registers_and_shows_live_clocks(alice_browser):
    response = alice_browser.post("/contacts/new/", {"channel": "wechat", "sender": "微信用户", "summary": "保养多少钱"})
    assert response.status_code == 302
    html = alice_browser.get("/contacts/").content.decode()
    assert "微信用户" in html and "剩余 00:14" in html and "sla-clock.js" in html
    rows = alice_browser.get("/contacts/", HTTP_HX_REQUEST="true").content.decode()
    assert "微信用户" in rows and "<h1>" not in rows
    contact = ContactRequest.objects.get()
    alice_browser.post(f"/contacts/{contact.id}/take/")
    alice_browser.post(f"/contacts/{contact.id}/respond/", {"note": "已回复报价"})
    assert ContactRequest.objects.get().status == "responded"


def test_managers_see_the_red_alert_banner_and_the_inbox(client, manager_mia, advisor_alice, store_a, customer_a, complaint_a):
    alert = red_alert_scan(store_id=store_a.id, text="刹车失灵差点出事", source="interaction:3", customer=customer_a)
    sla_escalate_due(now=hours_later(25))
    client.force_login(advisor_alice)
    assert "红色预警" not in client.get("/complaints/red-alerts/banner/").content.decode()
    client.force_login(manager_mia)
    assert "刹车失灵" in client.get("/complaints/red-alerts/banner/").content.decode()
    inbox = client.get("/complaints/escalations/").content.decode()
    assert "刹车失灵" in inbox and f"#{complaint_a.id}" in inbox and "L2 部门经理" in inbox
    client.post(f"/complaints/red-alerts/{alert.id}/acknowledge/")
    assert "刹车失灵" not in client.get("/complaints/red-alerts/banner/").content.decode()


def test_every_page_of_the_module_opens(alice_browser, complaint_a):
    for url in (
        "/complaints/",
        "/complaints/?status=all&tier=L1",
        "/complaints/escalations/",
        "/complaints/analysis/",
        "/contacts/",
    ):
        assert alice_browser.get(url).status_code == 200, url
    assert alice_browser.get("/complaints/analysis/", {"since": "bad", "until": "1800-01-01"}).status_code == 200
    assert alice_browser.get("/complaints/new/", {"customer": "¹"}).status_code == 200  # not a digit we can look up


def test_the_pages_carry_no_inline_script(alice_browser, complaint_a):
    import re

    html = alice_browser.get(f"/complaints/{complaint_a.id}/").content.decode()
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
