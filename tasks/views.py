"""我的任务: the staff member's calls with script, outcome, reschedule and reassign."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import Perm, has_perm
from core.forms import call_service
from tasks import selectors, services
from tasks.models import Outcome

PAGE_SIZE = 50


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=Outcome.choices)
    notes = forms.CharField(label="备注", required=False, max_length=500)
    call_back_at = forms.DateTimeField(
        label="再次联系时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ReassignForm(forms.Form):
    assignee_id = forms.IntegerField(label="转交给", min_value=1)


@login_required
def task_list(request):
    store_wide = request.GET.get("scope") == "store" and has_perm(request.user, Perm.AUDIT_VIEW)
    tasks = list(selectors.task_list(user=request.user, store_wide=store_wide)[:PAGE_SIZE])
    now = timezone.now()
    colleagues = (
        User.objects.filter(stores__in=request.user.accessible_store_ids(), is_active=True).distinct().order_by("username")
    )
    context = {
        "tasks": tasks,
        "now": now,
        "soon": now + dt.timedelta(hours=2),
        "store_wide": store_wide,
        "can_manage": has_perm(request.user, Perm.AUDIT_VIEW),
        "outcome_form": OutcomeForm(),
        "colleagues": colleagues,
    }
    return render(request, "tasks/list.html", context)


@login_required
@require_POST
def task_outcome(request, task_id: int):
    task = selectors.task_get(user=request.user, task_id=task_id)
    form = OutcomeForm(request.POST)
    if form.is_valid() and call_service(form, services.task_record_outcome, user=request.user, task=task, **form.cleaned_data):
        messages.success(request, f"已记录：{task.title} — {Outcome(form.cleaned_data['outcome']).label}")
    else:
        _errors(request, form)
    return redirect(request.POST.get("next") or "tasks:mine")


@login_required
@require_POST
def task_reassign(request, task_id: int):
    task = selectors.task_get(user=request.user, task_id=task_id)
    form = ReassignForm(request.POST)
    if form.is_valid() and call_service(form, services.task_reassign, user=request.user, task=task, **form.cleaned_data):
        messages.success(request, "任务已转交")
    else:
        _errors(request, form)
    return redirect(request.POST.get("next") or "tasks:mine")


def _errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
