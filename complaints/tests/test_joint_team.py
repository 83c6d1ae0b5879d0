"""DOMAIN §9 joint team: sales + service + quality, one single window to the customer, each side's
finding (over-promising, slow response, product defect), a joint solution within 24 h."""

import datetime as dt

import pytest

from complaints.models import Complaint, JointTeamMember
from complaints.services import complaint_finding_record, complaint_joint_solution, complaint_team_form, sla_escalate_due
from complaints.tests.conftest import hours_later
from core.errors import Conflict, Forbidden, InvalidInput
from tasks.models import Task


@pytest.fixture
def team(complaint_a, handler_carol, seller_sam, advisor_alice):
    members = {"sales": seller_sam.id, "service": advisor_alice.id, "quality": handler_carol.id}
    complaint_team_form(user=handler_carol, complaint=complaint_a, members=members, single_window="service")
    return Complaint.objects.get(pk=complaint_a.pk)


def test_forming_the_team_starts_the_24h_clock_and_gives_each_member_a_task(team, seller_sam, advisor_alice, handler_carol):
    assert team.joint_due_at - team.team_formed_at == dt.timedelta(hours=24)
    assert JointTeamMember.objects.get(complaint=team, is_single_window=True).member == advisor_alice
    assignees = {t.source_key.rsplit(":", 1)[1]: t.assignee for t in Task.objects.filter(kind="complaint_team")}
    assert assignees == {"sales": seller_sam, "service": advisor_alice, "quality": handler_carol}
    assert "唯一窗口" in team.events.get(kind="team_formed").detail


def test_each_side_records_its_own_finding(team, seller_sam, advisor_alice):
    with pytest.raises(Forbidden):
        complaint_finding_record(user=advisor_alice, complaint=team, side="sales", confirmed=False, finding="无")
    member = complaint_finding_record(
        user=seller_sam, complaint=team, side="sales", confirmed=True, finding="销售承诺终身免费保养"
    )
    assert member.finding_confirmed and "是否存在销售过度承诺——是" in team.events.get(kind="finding").detail


def test_the_joint_solution_needs_every_side_and_suggests_the_cause(team, seller_sam, advisor_alice, handler_carol):
    with pytest.raises(Conflict, match="尚未提交结论"):
        complaint_joint_solution(user=handler_carol, complaint=team, solution="方案")
    complaint_finding_record(user=seller_sam, complaint=team, side="sales", confirmed=True, finding="口头承诺免费保养")
    complaint_finding_record(user=advisor_alice, complaint=team, side="service", confirmed=False, finding="响应及时")
    complaint_finding_record(user=handler_carol, complaint=team, side="quality", confirmed=False, finding="无产品缺陷")
    solved = complaint_joint_solution(user=advisor_alice, complaint=team, solution="兑现两次免费保养，并向客户致歉")
    assert solved.joint_solution_at is not None and solved.cause == Complaint.Cause.OVER_PROMISING
    assert solved.solution.startswith("兑现")


def test_the_team_is_formed_once_with_all_three_sides(complaint_a, handler_carol, seller_sam):
    with pytest.raises(InvalidInput):
        complaint_team_form(user=handler_carol, complaint=complaint_a, members={"sales": seller_sam.id}, single_window="sales")
    members = {"sales": seller_sam.id, "service": handler_carol.id, "quality": handler_carol.id}
    complaint_team_form(user=handler_carol, complaint=complaint_a, members=members, single_window="quality")
    with pytest.raises(Conflict, match="已成立"):
        complaint_team_form(user=handler_carol, complaint=complaint_a, members=members, single_window="quality")


def test_a_late_joint_solution_is_reported_not_escalated(team, manager_mia, advisor_alice):
    from complaints.services import complaint_respond

    complaint_respond(user=advisor_alice, complaint=team, note="已联系")
    Complaint.objects.filter(pk=team.pk).update(tier_due_at=hours_later(100), earliest_deadline_at=hours_later(0.5))
    result = sla_escalate_due(now=hours_later(24.5))
    assert result["escalated"] == 0 and result["breached"] == 1
    assert Task.objects.filter(source_key=f"complaint:{team.pk}:breach:joint").exists()
