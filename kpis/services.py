"""The improvement loop (DOMAIN §12): red indicators open actions with deadlines; managers record the
meeting, the plan and next month's verification; stores share best-practice cases."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, Store, User
from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from kpis.definitions import KPIS, KPIS_BY_KEY
from kpis.models import BestPractice, ImprovementAction
from kpis.selectors import open_actions, target_of, targets, weekly_figures

logger = logging.getLogger(__name__)


def complete_weeks_before(day: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The `count` full Monday–Sunday weeks that ended before `day`'s week, oldest first."""
    this_monday = day - dt.timedelta(days=day.weekday())
    mondays = [this_monday - dt.timedelta(weeks=n) for n in range(count, 0, -1)]
    return [(monday, monday + dt.timedelta(days=6)) for monday in mondays]


def red_indicators_check(*, day: dt.date) -> int:
    """Open an improvement action for every store and measure below target in each of the last
    `kpis.red_weeks` complete weeks (a week without data is not "below"). Idempotent: one open
    action per store and measure (a unique constraint), so reruns and parallel runs add nothing."""
    store_ids = list(Store.objects.values_list("pk", flat=True))
    if not store_ids:
        return 0
    weeks = complete_weeks_before(day, max(1, policy_value(None, "kpis.red_weeks")))
    figures = weekly_figures(store_ids=store_ids, weeks=weeks)
    found = targets(store_ids)
    already = open_actions(store_ids=store_ids)
    opened = 0
    for store_id in store_ids:
        for kpi in KPIS:
            if (store_id, kpi.key) in already:
                continue
            target = target_of(found, [store_id], kpi)
            values = [kpi.value(*figures.get((store_id, kpi.key, monday), (Decimal(0), Decimal(0)))) for monday, _ in weeks]
            if all(kpi.meets(value, target) is False for value in values):
                opened += _action_open(store_id=store_id, kpi=kpi, weeks=weeks, value=values[-1], target=target)
    logger.info("kpis: %s improvement actions opened on %s", opened, day)
    return opened


def _action_open(*, store_id: int, kpi, weeks, value: Decimal, target: float) -> int:
    now = timezone.now()
    label = "、".join(f"{monday.isocalendar().year}年第{monday.isocalendar().week}周" for monday, _ in weeks)
    try:
        with transaction.atomic():
            ImprovementAction.objects.create(
                store_id=store_id,
                kpi=kpi.key,
                weeks=label,
                value=value,
                target=Decimal(str(target)),
                owner=_store_manager(store_id),
                opened_at=now,
                meeting_due_at=now + dt.timedelta(hours=policy_value(store_id, "kpis.meeting_hours")),
                plan_due_at=now + dt.timedelta(hours=policy_value(store_id, "kpis.plan_hours")),
                verify_month=_next_month(timezone.localdate()),
            )
    except IntegrityError:  # another run opened it a moment ago
        return 0
    return 1


def _store_manager(store_id: int) -> User | None:
    return User.objects.filter(role=Role.STORE_MANAGER, stores=store_id, is_active=True).order_by("pk").first()


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@transaction.atomic
def improvement_meeting_record(*, user, action: ImprovementAction, held_at: dt.datetime | None, notes: str) -> ImprovementAction:
    """The cross-department meeting (within 24 h of the red light): when, who, what was found."""
    require(user, Perm.KPI_IMPROVE)
    action = _locked(action)
    if action.status != ImprovementAction.Status.OPEN:
        raise Conflict("会议已记录")
    if not notes.strip():
        raise InvalidInput({"meeting_notes": "请填写会议纪要（参会部门与原因分析）"})
    held_at = held_at or timezone.now()
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput({"held_at": "会议时间不能晚于现在"})
    action.meeting_held_at, action.meeting_notes = held_at, notes.strip()
    action.status = ImprovementAction.Status.MEETING_HELD
    action.save(update_fields=["meeting_held_at", "meeting_notes", "status"])
    return action


@transaction.atomic
def improvement_plan_submit(*, user, action: ImprovementAction, plan: str) -> ImprovementAction:
    """The improvement plan (within 48 h), after the meeting."""
    require(user, Perm.KPI_IMPROVE)
    action = _locked(action)
    if action.status != ImprovementAction.Status.MEETING_HELD:
        raise Conflict("请先记录跨部门会议" if action.status == ImprovementAction.Status.OPEN else "方案已提交")
    if not plan.strip():
        raise InvalidInput({"plan": "请填写改进方案"})
    action.plan, action.planned_at = plan.strip(), timezone.now()
    action.status = ImprovementAction.Status.PLANNED
    action.save(update_fields=["plan", "planned_at", "status"])
    return action


@transaction.atomic
def improvement_verify(*, user, action: ImprovementAction, result: str, outcome: str) -> ImprovementAction:
    """Next month's verification closes the action, improved or not."""
    require(user, Perm.KPI_IMPROVE)
    action = _locked(action)
    if action.status != ImprovementAction.Status.PLANNED:
        raise Conflict("方案提交后才能验证")
    errors = {}
    if result not in ImprovementAction.Result.values:
        errors["result"] = "请选择验证结果"
    if not outcome.strip():
        errors["outcome"] = "请填写验证结论"
    if errors:
        raise InvalidInput(errors)
    if timezone.localdate() < action.verify_month:
        raise InvalidInput({"result": f"验证在 {action.verify_month:%Y年%m月} 进行"})
    action.result, action.outcome = result, outcome.strip()
    action.verified_at, action.verified_by = timezone.now(), user
    action.status = ImprovementAction.Status.CLOSED
    action.save(update_fields=["result", "outcome", "verified_at", "verified_by", "status"])
    return action


def _locked(action: ImprovementAction) -> ImprovementAction:
    return ImprovementAction.objects.select_for_update().get(pk=action.pk)


def best_practice_create(
    *, user, store_id: int | None, month: dt.date, title: str, body: str, kpi: str = "", shared: bool = True
) -> BestPractice:
    """A monthly best-practice case, shared with the group's other stores unless kept in-house."""
    from core.scoping import store_for_write

    require(user, Perm.KPI_IMPROVE)
    store_id = store_for_write(user, store_id)
    errors = {}
    if not title.strip():
        errors["title"] = "请填写标题"
    if not body.strip():
        errors["body"] = "请填写做法与效果"
    if kpi and kpi not in KPIS_BY_KEY:
        errors["kpi"] = "未知的指标"
    if errors:
        raise InvalidInput(errors)
    return BestPractice.objects.create(
        store_id=store_id, author=user, month=month.replace(day=1), kpi=kpi, title=title.strip(), body=body.strip(), shared=shared
    )
