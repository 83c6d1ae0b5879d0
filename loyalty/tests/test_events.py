import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from customers.models import Consent
from customers.services import customer_create
from loyalty.models import EventInvitation, EventSignup
from loyalty.services import event_attend, event_create, event_feedback, event_invite, event_signup, points_balance
from loyalty.tests.concurrency import run_together
from messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def make_event(user, *, capacity=2, starts_in=dt.timedelta(days=7)):
    return event_create(
        user=user,
        title="春季自驾游",
        theme="spring_road_trip",
        starts_at=timezone.now() + starts_in,
        capacity=capacity,
        attendance_points=300,
    )


def consent(customer, granted=True):
    Consent.objects.create(customer=customer, purpose="marketing_sms", granted=granted, recorded_at=timezone.now(), source="测试")


def test_only_a_manager_creates_events(advisor_alice, manager_mia):
    with pytest.raises(Forbidden):
        make_event(advisor_alice)
    with pytest.raises(InvalidInput) as exc:
        make_event(manager_mia, capacity=0)
    assert "capacity" in exc.value.errors


def test_it_invites_the_filtered_audience_with_marketing_consent_once(manager_mia, advisor_alice):
    gold = customer_create(user=advisor_alice, name="金卡甲", mobile="13900000001")
    gold_no_consent = customer_create(user=advisor_alice, name="金卡乙", mobile="13900000002")
    silver = customer_create(user=advisor_alice, name="银卡丙", mobile="13900000003")
    for customer, tier in [(gold, "gold"), (gold_no_consent, "gold"), (silver, "silver")]:
        customer.member_tier = tier
        customer.save(update_fields=["member_tier"])
    consent(gold)
    consent(silver)
    consent(gold_no_consent, granted=False)
    event = make_event(manager_mia)

    assert event_invite(user=manager_mia, event_id=event.pk, tier="gold") == {"invited": 1, "waiting": 0}
    assert event_invite(user=manager_mia, event_id=event.pk, tier="gold") == {"invited": 0, "waiting": 0}

    assert list(EventInvitation.objects.values_list("customer_id", flat=True)) == [gold.pk]
    message = OutboxMessage.objects.get()
    assert (message.customer_id, message.purpose, message.status) == (gold.pk, "marketing", "queued")


def test_it_filters_by_tag(manager_mia, advisor_alice):
    fan = customer_create(user=advisor_alice, name="甲", mobile="13900000001", manual_tags=["科技配置爱好者"])
    other = customer_create(user=advisor_alice, name="乙", mobile="13900000002", manual_tags=["科技"])
    consent(fan)
    consent(other)
    event = make_event(manager_mia)

    event_invite(user=manager_mia, event_id=event.pk, tag="科技配置爱好者")

    assert list(EventInvitation.objects.values_list("customer_id", flat=True)) == [fan.pk]


def test_sign_up_respects_the_capacity_then_attendance_earns_points(manager_mia, advisor_alice, customer_a):
    event = make_event(manager_mia, capacity=1, starts_in=dt.timedelta(hours=1))
    signup = event_signup(user=advisor_alice, event_id=event.pk, customer_id=customer_a.pk)
    other = customer_create(user=advisor_alice, name="乙", mobile="13900000002")

    with pytest.raises(Conflict) as exc:
        event_signup(user=advisor_alice, event_id=event.pk, customer_id=other.pk)
    assert exc.value.detail == "活动名额已满"
    with pytest.raises(Conflict):
        event_signup(user=advisor_alice, event_id=event.pk, customer_id=customer_a.pk)
    with pytest.raises(InvalidInput):
        event_feedback(user=advisor_alice, signup_id=signup.pk, score=5)

    event_attend(user=advisor_alice, signup_id=signup.pk)
    with pytest.raises(Conflict):
        event_attend(user=advisor_alice, signup_id=signup.pk)
    event_feedback(user=advisor_alice, signup_id=signup.pk, score=5, text="路线很好")

    assert points_balance(customer_id=customer_a.pk) == 300
    signup.refresh_from_db()
    assert signup.feedback_score == 5 and signup.attended_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_ups_cannot_exceed_the_capacity(manager_mia, advisor_alice):
    event = make_event(manager_mia, capacity=1)
    first, second = (customer_create(user=advisor_alice, name=f"客户{i}", mobile=f"1390000000{i}") for i in range(2))

    def sign_up(customer):
        return lambda: event_signup(user=advisor_alice, event_id=event.pk, customer_id=customer.pk)

    assert run_together([sign_up(first), sign_up(second)], expected=(Conflict,)) == ["Conflict", "ok"]
    assert EventSignup.objects.filter(event=event).count() == 1
