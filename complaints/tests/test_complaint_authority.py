"""DOMAIN §9 tiers with authority: L1 small goodwill, L2 fee reductions and priority scheduling,
L3 full refunds, major compensation and policy exceptions — never above the tier it is at."""

from decimal import Decimal

import pytest

from complaints.models import Compensation
from complaints.services import compensation_grant, complaint_escalate
from conftest import make_user
from core.errors import Conflict, Forbidden, InvalidInput
from core.models import StoreSetting


def test_the_front_line_may_give_a_car_wash_voucher(complaint_a, advisor_alice):
    grant = compensation_grant(user=advisor_alice, complaint=complaint_a, kind="goodwill", amount="80.00", description="洗车券")
    assert (grant.tier, grant.amount) == ("L1", Decimal("80.00"))
    assert "洗车券" in complaint_a.events.get(kind="compensation").detail


def test_l1_cannot_reduce_fees_or_go_above_its_amount(complaint_a, advisor_alice):
    with pytest.raises(Conflict, match="L2"):
        compensation_grant(user=advisor_alice, complaint=complaint_a, kind="fee_reduction", amount=100)
    with pytest.raises(Conflict, match="权限上限 ¥200"):
        compensation_grant(user=advisor_alice, complaint=complaint_a, kind="goodwill", amount="200.01")
    assert not Compensation.objects.exists()


def test_a_manager_acts_at_the_complaints_tier_not_above_it(complaint_a, manager_mia):
    with pytest.raises(Conflict, match="请先升级"):
        compensation_grant(user=manager_mia, complaint=complaint_a, kind="fee_reduction", amount=500)
    complaint_escalate(user=manager_mia, complaint=complaint_a, reason="客户要求减免工时费")
    assert compensation_grant(user=manager_mia, complaint=complaint_a, kind="fee_reduction", amount=500).tier == "L2"
    with pytest.raises(Conflict):
        compensation_grant(user=manager_mia, complaint=complaint_a, kind="full_refund", amount=500)


def test_a_full_refund_needs_l3_and_senior_management(complaint_a, manager_mia, advisor_alice, group):
    boss = make_user("boss", "group_admin", group, [])
    complaint_escalate(user=manager_mia, complaint=complaint_a, reason="维修质量问题")
    complaint_escalate(user=manager_mia, complaint=complaint_a, reason="客户要求全额退款")
    with pytest.raises(Conflict):  # the front line keeps L1 authority on an L3 complaint
        compensation_grant(user=advisor_alice, complaint=complaint_a, kind="full_refund", amount=3000)
    with pytest.raises(Conflict):  # the store manager keeps L2 authority
        compensation_grant(user=manager_mia, complaint=complaint_a, kind="full_refund", amount=3000)
    assert compensation_grant(user=boss, complaint=complaint_a, kind="full_refund", amount=3000).tier == "L3"


def test_the_amounts_are_store_settings(complaint_a, advisor_alice, store_a):
    StoreSetting.objects.create(store=store_a, key="complaints.l1_max_yuan", value=50)
    with pytest.raises(Conflict, match="¥50"):
        compensation_grant(user=advisor_alice, complaint=complaint_a, kind="goodwill", amount=80)


def test_bad_amounts_and_kinds_are_field_errors(complaint_a, advisor_alice):
    for kind, amount in (("goodwill", "-1"), ("goodwill", "1.001"), ("goodwill", "abc"), ("goodwill", "NaN"), ("cash", 1)):
        with pytest.raises(InvalidInput):
            compensation_grant(user=advisor_alice, complaint=complaint_a, kind=kind, amount=amount)


def test_a_technician_grants_nothing(complaint_a, group, store_a):
    technician = make_user("tech", "technician", group, [store_a])
    with pytest.raises(Forbidden):
        compensation_grant(user=technician, complaint=complaint_a, kind="goodwill", amount=10)


def test_manual_escalation_stops_at_l3(complaint_a, manager_mia):
    complaint_escalate(user=manager_mia, complaint=complaint_a, reason="a")
    complaint_escalate(user=manager_mia, complaint=complaint_a, reason="b")
    with pytest.raises(Conflict, match="最高层级"):
        complaint_escalate(user=manager_mia, complaint=complaint_a, reason="c")
