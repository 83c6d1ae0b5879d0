"""DOMAIN §9 red alerts: configurable words in a customer's words alert quality, sales and service at
once, stay on managers' screens until acknowledged, and send complaints straight to L3."""

import pytest

from complaints.models import RedAlert, RedAlertKeyword
from complaints.selectors import red_alert_banner
from complaints.services import complaint_open, red_alert_acknowledge, red_alert_scan
from core.errors import Conflict, Forbidden
from tasks.models import Task


@pytest.mark.parametrize("word", ["刹车失灵", "发动机异响", "起火", "召回", "媒体", "律师"])
def test_each_word_of_the_brief_raises_an_alert(store_a, customer_a, word):
    alert = red_alert_scan(store_id=store_a.id, text=f"客户来电：{word}，情绪激动", source="interaction:1", customer=customer_a)
    assert alert is not None and alert.keywords == [word]


def test_quality_sales_and_service_each_get_a_task_at_once(store_a, customer_a, handler_carol, seller_sam, manager_mia):
    alert = red_alert_scan(store_id=store_a.id, text="高速上刹车 失灵", source="survey:9", customer=customer_a)
    tasks = {t.source_key.rsplit(":", 1)[1]: t.assignee for t in Task.objects.filter(kind="red_alert")}
    assert tasks == {"quality": handler_carol, "sales": seller_sam, "after_sales": manager_mia}
    assert alert.source_label == "满意度调查"


def test_the_same_text_raises_one_alert_however_often_it_is_scanned(store_a, customer_a):
    first = red_alert_scan(store_id=store_a.id, text="我要找律师", source="interaction:7", customer=customer_a)
    again = red_alert_scan(store_id=store_a.id, text="我要找律师", source="interaction:7", customer=customer_a)
    assert first == again and RedAlert.objects.count() == 1


def test_ordinary_words_raise_nothing_and_a_store_can_switch_a_word_off(store_a, store_b, customer_a):
    assert red_alert_scan(store_id=store_a.id, text="咨询保养价格", source="interaction:1") is None
    RedAlertKeyword.objects.create(store=store_a, word="召回", is_active=False)
    assert red_alert_scan(store_id=store_a.id, text="这车是不是召回了", source="interaction:2") is None
    assert red_alert_scan(store_id=store_b.id, text="这车是不是召回了", source="interaction:3") is not None


def test_a_complaint_with_a_red_alert_word_goes_to_l3_and_notes_the_alert(advisor_alice, customer_a):
    complaint = complaint_open(
        user=advisor_alice,
        customer=customer_a,
        title="车辆起火",
        description="停车后发动机舱冒烟起火",
        category="product",
        channel="phone",
    )
    assert complaint.is_safety and complaint.tier == "L3"
    assert RedAlert.objects.get().complaint == complaint
    assert complaint.events.filter(kind="red_alert").exists()


def test_managers_see_it_until_one_of_them_acknowledges_it(store_a, customer_a, manager_mia, advisor_alice):
    alert = red_alert_scan(store_id=store_a.id, text="要曝光到媒体", source="interaction:5", customer=customer_a)
    assert red_alert_banner(user=manager_mia) == [alert]
    assert red_alert_banner(user=advisor_alice) == []
    with pytest.raises(Forbidden):
        red_alert_acknowledge(user=advisor_alice, alert=alert)
    red_alert_acknowledge(user=manager_mia, alert=alert)
    assert red_alert_banner(user=manager_mia) == []
    with pytest.raises(Conflict, match="已于"):
        red_alert_acknowledge(user=manager_mia, alert=alert)


def test_another_stores_alerts_are_not_on_my_screen(store_b, customer_b, manager_mia):
    red_alert_scan(store_id=store_b.id, text="起火了", source="interaction:6", customer=customer_b)
    assert red_alert_banner(user=manager_mia) == []
