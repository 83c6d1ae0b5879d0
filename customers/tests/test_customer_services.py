import datetime as dt

import pytest

from core.errors import DuplicateCustomer, InvalidInput
from customers.models import Customer, CustomerMobile
from customers.services import consent_record, customer_create, customer_mobile_add, customer_update, interaction_create


def test_it_creates_a_customer_in_the_callers_store(advisor_alice, store_a):
    customer = customer_create(
        user=advisor_alice, name=" 王 小明 ", mobile="138 0013 8000", birthday=dt.date(1985, 8, 15), birthday_is_lunar=True
    )
    assert customer.store_id == store_a.id
    assert customer.name == "王 小明"
    assert customer.mobile == "+8613800138000"
    assert (customer.name_pinyin, customer.name_initials) == ("wangxiaoming", "wxm")
    assert CustomerMobile.objects.get(customer=customer).is_primary


def test_it_refuses_the_same_mobile_twice_in_a_store_and_points_at_the_existing_customer(advisor_alice, customer_a):
    with pytest.raises(DuplicateCustomer) as err:
        customer_create(user=advisor_alice, name="张三丰", mobile="+86 13812341234")
    assert err.value.existing_customer_id == customer_a.id
    assert Customer.objects.count() == 1


def test_the_same_mobile_may_exist_in_another_store(advisor_bob, customer_a):
    other = customer_create(user=advisor_bob, name="张三", mobile="13812341234")
    assert other.store_id != customer_a.store_id


def test_a_secondary_mobile_is_also_unique_in_the_store(advisor_alice, customer_a):
    with pytest.raises(DuplicateCustomer):
        customer_create(user=advisor_alice, name="王五", mobile="13700000000", extra_mobiles=["13812341234"])
    assert Customer.objects.count() == 1


def test_bad_input_changes_nothing(advisor_alice):
    for kwargs in (
        {"name": "", "mobile": "13812341234"},
        {"name": "王五", "mobile": "12345"},
        {"name": "王五", "mobile": "13812341234", "birthday": dt.date(2999, 1, 1)},
        {"name": "王五", "mobile": "13812341234", "birthday": dt.date(2026, 12, 30), "birthday_is_lunar": True},
        {"name": "王五", "mobile": "13812341234", "gender": "X"},
    ):
        with pytest.raises(InvalidInput):
            customer_create(user=advisor_alice, **kwargs)
    assert not Customer.objects.exists() and not CustomerMobile.objects.exists()


def test_a_group_admin_must_name_the_store(group_admin, store_b):
    with pytest.raises(InvalidInput) as err:
        customer_create(user=group_admin, name="王五", mobile="13812341234")
    assert "store_id" in err.value.errors
    assert customer_create(user=group_admin, name="王五", mobile="13812341234", store_id=store_b.id).store_id == store_b.id


def test_a_store_user_cannot_write_into_another_store(advisor_alice, store_b):
    with pytest.raises(InvalidInput):
        customer_create(user=advisor_alice, name="王五", mobile="13812341234", store_id=store_b.id)


def test_changing_the_primary_mobile_keeps_the_old_one(advisor_alice, customer_a):
    customer_update(user=advisor_alice, customer=customer_a, mobile="13900001111", name="张三三")
    customer_a.refresh_from_db()
    assert customer_a.mobile == "+8613900001111" and customer_a.name_pinyin == "zhangsansan"
    numbers = dict(customer_a.mobiles.values_list("number", "is_primary"))
    assert numbers == {"+8613900001111": True, "+8613812341234": False}


def test_adding_a_mobile_of_another_customer_is_refused(advisor_alice, customer_a):
    other = customer_create(user=advisor_alice, name="王五", mobile="13700000000")
    with pytest.raises(DuplicateCustomer):
        customer_mobile_add(user=advisor_alice, customer=other, mobile="13812341234")


def test_consent_is_recorded_with_time_and_source(advisor_alice, customer_a):
    consent = consent_record(user=advisor_alice, customer=customer_a, purpose="marketing_sms", granted=True, source="到店签字")
    assert consent.recorded_at and consent.source == "到店签字"
    consent_record(user=advisor_alice, customer=customer_a, purpose="marketing_sms", granted=False, source="短信回T")
    assert customer_a.consents.get().granted is False
    with pytest.raises(InvalidInput):
        consent_record(user=advisor_alice, customer=customer_a, purpose="spam", granted=True, source="x")


def test_an_interaction_is_logged_for_the_timeline(advisor_alice, customer_a, vehicle_a):
    entry = interaction_create(
        user=advisor_alice,
        customer=customer_a,
        vehicle=vehicle_a,
        channel="phone_out",
        direction="out",
        summary="提醒保养",
        outcome="已预约",
    )
    assert entry.store_id == customer_a.store_id and entry.staff == advisor_alice
    with pytest.raises(InvalidInput) as err:
        interaction_create(user=advisor_alice, customer=customer_a, channel="pigeon", direction="sideways", summary=" ")
    assert set(err.value.errors) == {"channel", "direction", "summary"}


def test_a_red_alert_word_in_a_contact_raises_a_red_alert(advisor_alice, customer_a):
    from complaints.models import RedAlert
    from complaints.services import complaint_templates_ensure

    complaint_templates_ensure()  # also seeds the default keyword list
    interaction_create(
        user=advisor_alice, customer=customer_a, channel="phone_in", direction="in", summary="客户反映高速上刹车失灵"
    )
    assert RedAlert.objects.filter(customer=customer_a).exists()
