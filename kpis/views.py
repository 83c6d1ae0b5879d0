"""Store and group dashboards, drill-down, exports, improvement actions, the monthly review and the
incentive figures (DOMAIN §12). Views parse the form and call the same selectors/services as the API."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Store
from accounts.permissions import Perm, has_perm
from core.errors import InvalidInput
from core.forms import call_service
from kpis import drill, export, forms, incentives, selectors, services
from kpis.definitions import KPIS_BY_KEY


def _render(request, template: str, context: dict, status: int = 200):
    roles = {
        "can_improve": has_perm(request.user, Perm.KPI_IMPROVE),
        "perms_incentives": has_perm(request.user, Perm.KPI_INCENTIVES),
    }
    return render(request, template, {**roles, **context}, status=status)


def _visible_stores(user):
    return list(Store.objects.filter(pk__in=user.accessible_store_ids()).order_by("code"))


def _filters(request):
    """(form, stores, period, kpi) of the query string; errors stay on the form (shown in Chinese)."""
    form = forms.KpiFilterForm(request.GET or None, stores=_visible_stores(request.user))
    if request.GET and not form.is_valid():
        return form, None, None, None
    data = form.cleaned_data if request.GET else {}
    try:
        stores = selectors.stores_in_scope(user=request.user, store_id=data.get("store"))
        period = selectors.period_resolve(
            period=data.get("period") or "month", on=data.get("on"), start=data.get("start"), end=data.get("end")
        )
    except InvalidInput as exc:
        for field, message in exc.errors.items():
            form.add_error({"from": "start", "to": "end"}.get(field, field) if form.is_bound else None, message)
        return form, None, None, None
    return form, stores, period, KPIS_BY_KEY[data.get("kpi") or "satisfaction"]


@login_required
def dashboard(request):
    form, stores, period, kpi = _filters(request)
    if stores is None:
        return _render(request, "kpis/dashboard.html", {"form": form}, status=422)
    store_ids = [s.pk for s in stores]
    figures = selectors.kpi_summary(store_ids=store_ids, period=period)
    by_store = selectors.kpi_by_store(store_ids=store_ids, period=period) if len(stores) > 1 else None
    bars = _bars(store_ids, period, kpi, by_store)
    context = {
        "form": form,
        "stores": stores,
        "period": period,
        "figures": figures,
        "red": selectors.open_action_keys(store_ids=store_ids),
        "by_store": by_store,
        "trend_kpi": kpi,
        "charts": {"trend": selectors.kpi_trend(store_ids=store_ids, period=period, kpi=kpi), "bars": bars},
        "query": request.GET.urlencode(),
    }
    return _render(request, "kpis/dashboard.html", context)


def _bars(store_ids, period, kpi, by_store) -> dict:
    """The trend measure by store (group view) or by staff member (one store)."""
    if by_store:
        index = [f.kpi.key for f in by_store[0]["figures"]].index(kpi.key)
        rows = [(row["store"].name, row["figures"][index].value) for row in by_store]
        title = f"{kpi.label} · 按门店"
    else:
        rows = [(r["name"], r["value"]) for r in selectors.kpi_by_staff(store_ids=store_ids, period=period, kpi=kpi)]
        title = f"{kpi.label} · 按员工"
    return {"title": title, "labels": [r[0] for r in rows], "values": [float(r[1]) if r[1] is not None else None for r in rows]}


@login_required
def kpi_drill(request, key: str):
    """Behind one figure: its trend, each staff member's share and the items that missed."""
    if key not in KPIS_BY_KEY:
        return _render(request, "kpis/dashboard.html", {"form": None, "error": "未知的指标"}, status=404)
    form, stores, period, _ = _filters(request)
    if stores is None:
        return _render(request, "kpis/dashboard.html", {"form": form}, status=422)
    kpi = KPIS_BY_KEY[key]
    store_ids = [s.pk for s in stores]
    figure = next(f for f in selectors.kpi_summary(store_ids=store_ids, period=period) if f.kpi.key == key)
    context = {
        "form": form,
        "kpi": kpi,
        "figure": figure,
        "period": period,
        "staff": selectors.kpi_by_staff(store_ids=store_ids, period=period, kpi=kpi),
        "charts": {"trend": selectors.kpi_trend(store_ids=store_ids, period=period, kpi=kpi)},
        "misses": drill.misses(user=request.user, kpi=kpi, store_ids=store_ids, period=period),
        "module_url": drill.module_url(kpi),
        "query": request.GET.urlencode(),
    }
    return _render(request, "kpis/drill.html", context)


@login_required
def kpi_export(request, table: str, fmt: str):
    """Any dashboard table as .xlsx (streamed) or CSV."""
    form, stores, period, kpi = _filters(request)
    if stores is None:
        return _render(request, "kpis/dashboard.html", {"form": form}, status=422)
    return export.response(table=table, fmt=fmt, store_ids=[s.pk for s in stores], period=period, kpi=kpi)


# --- improvement actions, monthly review, best practice --------------------------------------------


@login_required
def action_list(request):
    actions = selectors.improvement_actions(user=request.user, open_only=request.GET.get("view") != "all")[:200]
    return _render(
        request, "kpis/actions.html", {"actions": actions, "labels": _labels(), "view": request.GET.get("view", "open")}
    )


@login_required
def action_detail(request, action_id: int):
    action = selectors.improvement_action_get(user=request.user, action_id=action_id)
    forms_by_step = {"meeting": forms.MeetingForm(), "plan": forms.PlanForm(), "verify": forms.VerifyForm()}
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in forms_by_step:
            raise PermissionDenied
        form = forms_by_step[step] = {"meeting": forms.MeetingForm, "plan": forms.PlanForm, "verify": forms.VerifyForm}[step](
            request.POST
        )
        if form.is_valid() and _action_step(form, step, request.user, action):
            messages.success(request, "已保存")
            return redirect("kpis:action", action_id=action.pk)
        return _render(request, "kpis/action.html", _action_context(request, action, forms_by_step), status=422)
    return _render(request, "kpis/action.html", _action_context(request, action, forms_by_step))


def _action_step(form, step, user, action):
    data = form.cleaned_data
    if step == "meeting":
        held_at = data["held_at"]
        return call_service(
            form, services.improvement_meeting_record, user=user, action=action, held_at=held_at, notes=data["notes"]
        )
    if step == "plan":
        return call_service(form, services.improvement_plan_submit, user=user, action=action, plan=data["plan"])
    return call_service(
        form, services.improvement_verify, user=user, action=action, result=data["result"], outcome=data["outcome"]
    )


def _action_context(request, action, forms_by_step) -> dict:
    now = timezone.now()
    return {
        "action": action,
        "kpi_label": selectors.kpi_label(action.kpi),
        "forms": forms_by_step,
        "meeting_late": action.meeting_held_at is None and now > action.meeting_due_at,
        "plan_late": action.planned_at is None and now > action.plan_due_at,
    }


def _labels() -> dict:
    return {key: kpi.label for key, kpi in KPIS_BY_KEY.items()}


def _month_param(request) -> dt.date:
    try:
        return (
            dt.date.fromisoformat(request.GET.get("month", "") + "-01")
            if len(request.GET.get("month", "")) == 7
            else timezone.localdate().replace(day=1)
        )
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def monthly_review(request):
    """The month against target and against the month before, red lights, actions and cases."""
    month = _month_param(request)
    stores = _visible_stores(request.user)
    store_ids = [s.pk for s in stores]
    first, last = incentives.month_range(month)
    previous_first, previous_last = incentives.month_range(first - dt.timedelta(days=1))
    current = selectors.kpi_summary(store_ids=store_ids, period=selectors.Period(first, last))
    previous = {
        f.kpi.key: f.value
        for f in selectors.kpi_summary(store_ids=store_ids, period=selectors.Period(previous_first, previous_last))
    }
    practice_form = forms.BestPracticeForm(request.POST or None, initial={"month": first})
    if (
        request.method == "POST"
        and practice_form.is_valid()
        and call_service(
            practice_form, services.best_practice_create, user=request.user, store_id=None, **practice_form.cleaned_data
        )
    ):
        messages.success(request, "最佳实践已记录")
        return redirect(f"{reverse('kpis:review')}?month={first:%Y-%m}")
    context = {
        "month": first,
        "previous_month": previous_first,
        "next_month": last + dt.timedelta(days=1),
        "rows": [(f, previous.get(f.kpi.key)) for f in current],
        "actions": selectors.improvement_actions(user=request.user).filter(opened_at__date__gte=first, opened_at__date__lte=last),
        "due_verification": selectors.improvement_actions(user=request.user, open_only=True).filter(verify_month=first),
        "practices": selectors.best_practices(user=request.user, month=first),
        "practice_form": practice_form,
        "labels": _labels(),
    }
    return _render(request, "kpis/review.html", context, status=422 if practice_form.errors else 200)


@login_required
def incentive_report(request):
    if not has_perm(request.user, Perm.KPI_INCENTIVES):
        raise PermissionDenied
    month = _month_param(request)
    store_ids = [s.pk for s in _visible_stores(request.user)]
    context = {
        "month": month,
        "commission": incentives.sales_commission_weights(user=request.user, store_ids=store_ids, month=month),
        "bonuses": incentives.lead_bonuses(user=request.user, month=month),
    }
    return _render(request, "kpis/incentives.html", context)


@login_required
@require_POST
def rollup_now(request):
    """A manager refreshes today's figures without waiting for the hourly job."""
    if not has_perm(request.user, Perm.KPI_IMPROVE):
        raise PermissionDenied
    from kpis.rollup import kpi_rollup_today

    kpi_rollup_today()
    messages.success(request, "今日数据已刷新")
    return redirect(f"{reverse('kpis:index')}?{request.POST.get('query', '')}")
