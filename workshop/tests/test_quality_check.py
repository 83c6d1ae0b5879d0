"""DOMAIN §6 step 5: technician self-check → team leader → advisor; who/when/result; failing sends it back."""

import pytest

from core.errors import Conflict, Forbidden
from workshop import services
from workshop.models import QualityCheck, RepairOrder
from workshop.tests.conftest import approved_order

State = RepairOrder.State


@pytest.fixture
def in_qc(advisor_alice, vehicle_a, technician_tom):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    services.repair_order_start(user=technician_tom, order=order)
    services.repair_order_submit_qc(user=technician_tom, order=order)
    order.refresh_from_db()
    return order


def test_it_cannot_skip_a_level(in_qc, leader_lee, advisor_alice):
    with pytest.raises(Conflict, match="技师自检"):
        services.repair_order_qc_record(user=leader_lee, order=in_qc, level=2, passed=True)
    with pytest.raises(Conflict):
        services.repair_order_qc_record(user=advisor_alice, order=in_qc, level=3, passed=True)
    assert not in_qc.quality_checks.exists()


def test_each_level_belongs_to_its_role(in_qc, technician_tom, leader_lee, advisor_alice):
    with pytest.raises(Forbidden):
        services.repair_order_qc_record(user=leader_lee, order=in_qc, level=1, passed=True)  # not the order's technician
    services.repair_order_qc_record(user=technician_tom, order=in_qc, level=1, passed=True)
    with pytest.raises(Forbidden):
        services.repair_order_qc_record(user=advisor_alice, order=in_qc, level=2, passed=True)
    services.repair_order_qc_record(user=leader_lee, order=in_qc, level=2, passed=True, notes="复检合格")
    check = QualityCheck.objects.get(order=in_qc, level=2)
    assert check.checked_by == leader_lee and check.checked_at and check.passed


def test_a_failure_sends_the_car_back_for_a_new_round(in_qc, technician_tom, leader_lee, advisor_alice):
    services.repair_order_qc_record(user=technician_tom, order=in_qc, level=1, passed=True)
    with pytest.raises(Exception, match="提交的数据有误"):
        services.repair_order_qc_record(user=leader_lee, order=in_qc, level=2, passed=False)  # a failure needs notes
    services.repair_order_qc_record(user=leader_lee, order=in_qc, level=2, passed=False, notes="刹车片未安装到位")
    in_qc.refresh_from_db()
    assert in_qc.state == State.IN_PROGRESS and in_qc.qc_round == 2
    services.repair_order_submit_qc(user=technician_tom, order=in_qc)
    with pytest.raises(Conflict):
        services.repair_order_qc_record(user=leader_lee, order=in_qc, level=2, passed=True)  # round 2 starts again at level 1
    for user, level in ((technician_tom, 1), (leader_lee, 2), (advisor_alice, 3)):
        services.repair_order_qc_record(user=user, order=in_qc, level=level, passed=True)
    in_qc.refresh_from_db()
    assert in_qc.state == State.READY
    assert list(in_qc.quality_checks.values_list("round", "level", "passed")) == [
        (1, 1, True),
        (1, 2, False),
        (2, 1, True),
        (2, 2, True),
        (2, 3, True),
    ]


def test_it_cannot_be_delivered_before_qc(in_qc, advisor_alice):
    with pytest.raises(Conflict):
        services.repair_order_deliver(user=advisor_alice, order=in_qc, old_parts_shown=True)
