"""DOMAIN §14 / PIPL as behaviour: least privilege, logged reveal, consent, rights requests, retention."""

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from accounts.models import Role
from conftest import api_client_for, make_user
from core.errors import Conflict, Forbidden, InvalidInput
from customers.models import Customer, CustomerMobile, Interaction
from customers.selectors import consent_allows
from customers.services import consent_record, customer_create, customer_update, interaction_create
from privacy.models import AccessLog
from privacy.services import customer_export, data_request_create, data_request_decide, pii_reveal, retention_anonymise
from vehicles.models import Vehicle


@pytest.fixture
def technician(group, store_a):
    return make_user("tech", Role.TECHNICIAN, group, [store_a])


@pytest.fixture
def manager(group, store_a):
    return make_user("boss", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def rich_customer(advisor_alice):
    return customer_update(
        user=advisor_alice,
        customer=customer_create(user=advisor_alice, name="王芳", mobile="13700001234"),
        id_type="resident_id",
        id_number="440106199001011234",
        address="广州市天河区体育西路 100 号 1201",
    )


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_technician_cannot_create_or_edit_customers(technician, customer_a):
    with pytest.raises(Forbidden):
        customer_create(user=technician, name="王五", mobile="13700000000")
    response = post(api_client_for(technician), "/api/customers", {"name": "王五", "mobile": "13700000000"})
    assert response.status_code == 403 and response.json()["detail"]
    assert Customer.objects.count() == 1


def test_a_technician_sees_masked_data_and_cannot_reveal(technician, rich_customer):
    data = api_client_for(technician).get(f"/api/customers/{rich_customer.id}").json()
    assert (data["mobile"], data["id_number"], data["address"]) == ("137****1234", "440106********1234", "广州市天河区****")
    with pytest.raises(Forbidden):
        pii_reveal(user=technician, customer=rich_customer, field="mobile", reason="维修联系", ip_address=None)
    assert not AccessLog.objects.exists()


def test_a_reveal_needs_a_reason_and_writes_exactly_one_log_row(advisor_alice, rich_customer):
    with pytest.raises(InvalidInput):
        pii_reveal(user=advisor_alice, customer=rich_customer, field="id_number", reason=" ", ip_address="10.0.0.1")
    response = post(
        api_client_for(advisor_alice),
        f"/api/customers/{rich_customer.id}/reveal",
        {"field": "id_number", "reason": "办理保险核对身份"},
    )
    assert response.json() == {"field": "id_number", "value": "440106199001011234"}
    log = AccessLog.objects.get()
    assert (log.actor, log.customer, log.action, log.field, log.reason, log.ip_address) == (
        advisor_alice,
        rich_customer,
        "reveal",
        "id_number",
        "办理保险核对身份",
        "127.0.0.1",
    )


def test_the_access_log_cannot_be_changed_or_deleted(advisor_alice, rich_customer):
    pii_reveal(user=advisor_alice, customer=rich_customer, field="mobile", reason="回访", ip_address=None)
    log = AccessLog.objects.get()
    log.reason = "edited"
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()


def test_the_reveal_page_shows_the_value_after_a_reason(client, advisor_alice, rich_customer):
    client.force_login(advisor_alice)
    url = f"/privacy/customers/{rich_customer.id}/reveal/mobile/"
    assert "查看" in client.get(url).content.decode()
    assert "13700001234" in client.post(url, {"reason": "客户来电核实"}).content.decode()
    assert AccessLog.objects.count() == 1


def test_consent_keeps_version_and_history_and_withdrawal_applies_at_once(advisor_alice, customer_a):
    consent_record(
        user=advisor_alice, customer=customer_a, purpose="marketing_sms", granted=True, source="到店签字", text_version="2026-01"
    )
    assert consent_allows(customer_a, "marketing_sms")
    consent_record(user=advisor_alice, customer=customer_a, purpose="marketing_sms", granted=False, source="回复T退订")
    assert not consent_allows(customer_a, "marketing_sms")
    assert not consent_allows(customer_a, "wechat")  # never asked → no
    assert list(customer_a.consent_events.order_by("recorded_at").values_list("granted", "text_version")) == [
        (True, "2026-01"),
        (False, "2026-01"),
    ]


def test_a_customer_under_14_needs_a_guardian(advisor_alice):
    child_birthday = timezone.localdate().replace(year=timezone.localdate().year - 10)
    with pytest.raises(InvalidInput) as err:
        customer_create(user=advisor_alice, name="小明", mobile="13700000001", birthday=child_birthday)
    assert {"guardian_name", "guardian_consent"} <= set(err.value.errors)
    child = customer_create(
        user=advisor_alice,
        name="小明",
        mobile="13700000001",
        birthday=child_birthday,
        guardian_name="王芳",
        guardian_consent=True,
    )
    assert child.guardian_consent_at is not None


def test_a_data_request_is_due_in_15_days_and_only_a_manager_decides(advisor_alice, manager, customer_a):
    request = data_request_create(user=advisor_alice, customer=customer_a, kind="export")
    assert request.due_on == timezone.localdate() + dt.timedelta(days=15)
    with pytest.raises(Forbidden):
        data_request_decide(user=advisor_alice, request=request, approve=True)
    data_request_decide(user=manager, request=request, approve=True)
    with pytest.raises(Conflict):
        data_request_decide(user=manager, request=request, approve=False)


def test_export_needs_an_approved_request_and_logs_once(advisor_alice, manager, customer_a, vehicle_a):
    with pytest.raises(Conflict):
        customer_export(user=manager, customer=customer_a, reason="客户申请", ip_address=None)
    data_request_decide(
        user=manager, request=data_request_create(user=advisor_alice, customer=customer_a, kind="export"), approve=True
    )
    dossier = customer_export(user=manager, customer=customer_a, reason="客户申请复制个人信息", ip_address=None)
    assert dossier["customer"]["mobile"] == "+8613812341234" and dossier["vehicles"][0]["vin"] == vehicle_a.vin
    assert AccessLog.objects.filter(action="export").count() == 1
    html = api_client_for(manager)
    html.force_login(manager)
    page = html.post(f"/privacy/customers/{customer_a.id}/export/", {"reason": "客户申请", "format": "html"})
    assert "13812341234" in page.content.decode() and AccessLog.objects.filter(action="export").count() == 2


def test_erasure_anonymises_but_keeps_vehicles_and_statistics(advisor_alice, manager, customer_a, vehicle_a):
    customer_update(user=advisor_alice, customer=customer_a, address="广州市天河区体育西路 1 号")
    interaction_create(
        user=advisor_alice, customer=customer_a, channel="phone_in", direction="in", summary="张三来电说 13812341234 换号"
    )
    assert LogEntry.objects.get_for_object(customer_a).exists()
    data_request_decide(
        user=manager, request=data_request_create(user=advisor_alice, customer=customer_a, kind="erasure"), approve=True
    )
    customer_a.refresh_from_db()
    assert customer_a.erased_at and customer_a.name == "已匿名客户" and customer_a.mobile == "" and customer_a.address == ""
    assert not CustomerMobile.objects.filter(customer=customer_a).exists()
    assert Interaction.objects.get(customer=customer_a).summary == "（已匿名）"
    assert Vehicle.objects.filter(pk=vehicle_a.pk, owner=customer_a).exists()
    assert not LogEntry.objects.get_for_object(customer_a).exists()
    assert AccessLog.objects.filter(action="erase", customer=customer_a).count() == 1


def test_retention_anonymises_only_the_long_inactive_and_is_idempotent(advisor_alice, customer_a, customer_b):
    long_ago = timezone.now() - dt.timedelta(days=5 * 365)
    Customer.objects.filter(pk=customer_a.pk).update(updated_at=long_ago)
    assert retention_anonymise() == 1
    assert retention_anonymise() == 0
    customer_a.refresh_from_db()
    customer_b.refresh_from_db()
    assert customer_a.erased_at is not None and customer_b.erased_at is None


def test_erasure_removes_channel_addresses_and_old_replies_lose_the_number(advisor_alice, customer_a):
    from messaging.models import ChannelAddress, InboundMessage
    from privacy.services import customer_erase, inbound_replies_redact

    ChannelAddress.objects.create(customer=customer_a, channel="email", address="zhangsan@example.cn")
    customer_erase(customer=customer_a, reason="测试")
    assert not ChannelAddress.objects.filter(customer=customer_a).exists()
    reply = InboundMessage.objects.create(channel="sms", sender="+8613812341234", body="T")
    InboundMessage.objects.filter(pk=reply.pk).update(received_at=timezone.now() - dt.timedelta(days=400))
    assert inbound_replies_redact() == 1
    reply.refresh_from_db()
    assert reply.sender == ""


def test_recent_contact_keeps_a_customer_past_retention(advisor_alice, customer_a):
    Customer.objects.filter(pk=customer_a.pk).update(updated_at=timezone.now() - dt.timedelta(days=5 * 365))
    interaction_create(user=advisor_alice, customer=customer_a, channel="wechat", direction="in", summary="咨询")
    assert retention_anonymise() == 0


def test_changes_are_audited_with_the_api_actor_and_masked_values(advisor_alice, manager, customer_a):
    client = api_client_for(advisor_alice)
    client.patch(
        f"/api/customers/{customer_a.id}",
        json.dumps({"company": "顺达物流", "mobile": "13900001111"}),
        content_type="application/json",
    )
    entry = LogEntry.objects.get_for_object(customer_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == advisor_alice and entry.changes_dict["company"][1] == "顺达物流"
    assert "13900001111" not in json.dumps(entry.changes_dict)
    history = api_client_for(manager).get(f"/api/customers/{customer_a.id}/history").json()
    assert any(e["changes"].get("company") for e in history)
    assert client.get(f"/api/customers/{customer_a.id}/history").status_code == 403


@pytest.fixture
def other_entity_store(group):
    from accounts.models import Store

    return Store.objects.create(group=group, code="C01", name="C店（独立法人）", legal_entity="佛山某汽车销售有限公司")


def test_another_legal_entitys_customers_need_the_customers_sharing_consent(group, store_a, other_entity_store, advisor_alice):
    from accounts.models import Department
    from customers.selectors import customer_search

    agent = make_user("agent", Role.CALL_CENTRE_AGENT, group, [store_a, other_entity_store])
    agent.department = Department.objects.create(store=store_a, kind="call_centre")
    agent.save()
    local = make_user("c_advisor", Role.ADVISOR, group, [other_entity_store])
    foreign = customer_create(user=local, name="赵敏", mobile="13600002222")
    client = api_client_for(agent)
    assert client.get(f"/api/customers/{foreign.id}").status_code == 404
    assert customer_search(user=agent, q="zhaomin") == []
    consent_record(user=local, customer=foreign, purpose="group_sharing", granted=True, source="书面同意")
    agent = type(agent).objects.get(pk=agent.pk)  # fresh object: store access is cached per user object
    assert client.get(f"/api/customers/{foreign.id}").status_code == 200
    assert [c.id for c in customer_search(user=agent, q="zhaomin")] == [foreign.id]
    consent_record(user=local, customer=foreign, purpose="group_sharing", granted=False, source="撤回")
    assert client.get(f"/api/customers/{foreign.id}").status_code == 404
