"""The joint team (DOMAIN §9): sales + service + quality on one complaint, one of them the single
window to the customer, each side's finding, and a joint solution within 24 h."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, has_perm
from complaints.models import Complaint, ComplaintEvent, JointTeamMember, TeamSide
from complaints.services.complaint import complaint_event, complaint_for_change, complaint_save
from complaints.services.fields import check_choice, clean_text, staff_of_store
from complaints.services.notify import complaint_task, customer_inform
from core.errors import Conflict, Forbidden, InvalidInput
from core.policies import policy_value
from sla.services import deadline_after

Kind = ComplaintEvent.Kind

# DOMAIN §9: what each side of the joint team checks; a confirmed finding names the root cause.
SIDE_CHECKS = {
    TeamSide.SALES: ("是否存在销售过度承诺", Complaint.Cause.OVER_PROMISING),
    TeamSide.SERVICE: ("是否存在服务响应慢", Complaint.Cause.SLOW_RESPONSE),
    TeamSide.QUALITY: ("是否存在产品缺陷", Complaint.Cause.PRODUCT_DEFECT),
}


@transaction.atomic
def complaint_team_form(*, user, complaint: Complaint, members: dict[str, int], single_window: str) -> list[JointTeamMember]:
    """DOMAIN §9: sales + service + quality on one complaint, a joint solution within 24 h, and one
    of them the single window to the customer. Each member gets a task."""
    complaint = complaint_for_change(complaint, user=user)
    if complaint.team_formed_at is not None:
        raise Conflict("联合小组已成立")
    if set(members) != set(TeamSide.values):
        raise InvalidInput({"members": "须指定销售、售后服务、质量三方成员"})
    check_choice(single_window, TeamSide, "single_window", "唯一窗口须为小组中的一方")
    now = timezone.now()
    team = [
        JointTeamMember(
            complaint=complaint,
            side=side,
            is_single_window=side == single_window,
            member=staff_of_store(complaint.store_id, members[side], f"members.{side}"),
        )
        for side in TeamSide.values
    ]
    JointTeamMember.objects.bulk_create(team)
    hours = dt.timedelta(hours=policy_value(complaint.store_id, "complaints.joint_solution_hours"))
    complaint.team_formed_at = now
    complaint.joint_due_at = deadline_after(store_id=complaint.store_id, start=now, duration=hours)
    complaint_save(complaint, "team_formed_at", "joint_due_at", now=now)
    roster = "；".join(f"{m.get_side_display()}：{m.member}{'（唯一窗口）' if m.is_single_window else ''}" for m in team)
    complaint_event(complaint, Kind.TEAM_FORMED, actor=user, detail=roster, at=now)
    for m in team:
        check = SIDE_CHECKS[m.side][0]
        complaint_task(
            complaint,
            assignee=m.member,
            kind="complaint_team",
            title=f"联合小组（{m.get_side_display()}）",
            due_at=complaint.joint_due_at,
            key=f"team:{m.side}",
            script=f"请核查{check}，并在时限内提交结论。",
        )
    return team


@transaction.atomic
def complaint_finding_record(*, user, complaint: Complaint, side: str, confirmed: bool, finding: str) -> JointTeamMember:
    """One side's finding: sales on over-promising at the sale, service on slow response, quality on a
    product defect (DOMAIN §9). Only that side's member — or a manager — records it."""
    complaint = complaint_for_change(complaint, user=user)
    check_choice(side, TeamSide, "side", "未知的小组部门")
    member = JointTeamMember.objects.select_related("member").filter(complaint=complaint, side=side).first()
    if member is None:
        raise Conflict("尚未成立联合小组")
    if member.member_id != user.pk and not has_perm(user, Perm.COMPLAINT_AUTHORITY_L2):
        raise Forbidden(f"只有{member.get_side_display()}方成员 {member.member} 可以提交该结论")
    member.finding = clean_text(finding, "finding", "调查结论", 1000)
    member.finding_confirmed, member.finding_at = confirmed, timezone.now()
    member.save(update_fields=["finding", "finding_confirmed", "finding_at"])
    check, _cause = SIDE_CHECKS[side]
    complaint_event(
        complaint,
        Kind.FINDING,
        actor=user,
        detail=f"{member.get_side_display()}：{check}——{'是' if confirmed else '否'}。{member.finding}",
    )
    return member


@transaction.atomic
def complaint_joint_solution(*, user, complaint: Complaint, solution: str) -> Complaint:
    """The team's joint solution, once every side has reported; it stops the 24-hour team clock and
    suggests the root cause from the confirmed findings."""
    complaint = complaint_for_change(complaint, user=user)
    team = list(JointTeamMember.objects.filter(complaint=complaint))
    if not team:
        raise Conflict("尚未成立联合小组")
    missing = [m.get_side_display() for m in team if m.finding_at is None]
    if missing:
        raise Conflict(f"以下部门尚未提交结论：{'、'.join(missing)}")
    now = timezone.now()
    complaint.solution = clean_text(solution, "solution", "联合方案", 2000)
    complaint.joint_solution_at = complaint.joint_solution_at or now
    confirmed = [SIDE_CHECKS[m.side][1] for m in team if m.finding_confirmed]
    complaint.cause = complaint.cause or (confirmed[0] if confirmed else "")
    complaint_save(complaint, "solution", "joint_solution_at", "cause", now=now)
    complaint_event(complaint, Kind.JOINT_SOLUTION, actor=user, detail=complaint.solution, at=now)
    customer_inform(
        complaint, template_code="complaint_progress", key="progress:joint", topic="联合小组已制定解决方案，专人将与您联系"
    )
    return complaint
