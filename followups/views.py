"""回访与调查: the follow-up work list, the survey builder and results, the win-back list, the
quarterly interview list and the public survey page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.permissions import Perm, has_perm
from core.api import client_ip
from core.errors import Forbidden, InvalidInput
from core.forms import call_service
from followups import selectors, services, surveys
from followups.forms import SurveyForm, WinBackFilterForm
from followups.models import FollowUp, Question

PAGE_SIZE = 100
WIN_BACK_PAGE_SIZE = 50


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(label="回访结果", choices=FollowUp.Outcome.choices)
    issue_description = forms.CharField(label="问题描述", required=False, max_length=2000)
    notes = forms.CharField(label="备注", required=False, max_length=500)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="处理结果", max_length=2000)


@login_required
def follow_up_list(request):
    issues = request.GET.get("view") == "issues"
    rows = list(selectors.follow_up_list(user=request.user, issues_only=issues)[:PAGE_SIZE])
    context = {"follow_ups": rows, "issues": issues, "record_form": RecordForm(), "tab": "issues" if issues else "list"}
    return render(request, "followups/list.html", context)


@login_required
@require_POST
def follow_up_record(request, follow_up_id: int):
    follow_up = selectors.follow_up_get(user=request.user, follow_up_id=follow_up_id)
    form = RecordForm(request.POST)
    if form.is_valid() and call_service(
        form, services.follow_up_record, user=request.user, follow_up=follow_up, **form.cleaned_data
    ):
        messages.success(request, f"已记录回访：{follow_up.vehicle.plate}")
    else:
        _errors(request, form)
    return redirect("followups:list")


@login_required
@require_POST
def follow_up_resolve(request, follow_up_id: int):
    follow_up = selectors.follow_up_get(user=request.user, follow_up_id=follow_up_id)
    form = ResolveForm(request.POST)
    if form.is_valid() and call_service(
        form, services.follow_up_resolve, user=request.user, follow_up=follow_up, **form.cleaned_data
    ):
        messages.success(request, "问题已登记处理结果")
    else:
        _errors(request, form)
    return redirect(f"{reverse('followups:list')}?view=issues")


@login_required
def survey_results(request, survey_id: int):
    survey = selectors.survey_get(user=request.user, survey_id=survey_id)
    return render(
        request, "followups/survey_results.html", {"survey": survey, "results": selectors.survey_results(survey=survey)}
    )


@login_required
def survey_list(request):
    """The store's surveys and the builder: a name and 3–5 questions, created by the service the
    API uses (it checks the permission; a Forbidden becomes a message)."""
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        survey = None
        if form.is_valid():
            survey = call_service(
                form,
                surveys.survey_create,
                user=request.user,
                store_id=None,
                name=form.cleaned_data["name"],
                questions=form.questions(),
            )
        if survey is not None:
            messages.success(request, f"已创建调查：{survey.name}")
            return redirect("followups:surveys")
        if isinstance(getattr(form, "domain_error", None), Forbidden):
            messages.error(request, form.domain_error.detail)
            return redirect("followups:surveys")
        status = 422
    context = {
        "surveys": list(selectors.survey_list(user=request.user)[:PAGE_SIZE]),
        "form": form,
        "can_create": has_perm(request.user, Perm.MESSAGE_TEMPLATE_EDIT),
        "question_rows": [(form[f"q{i}"], form[f"c{i}"]) for i in range(1, surveys.MAX_QUESTIONS + 1)],
        "tab": "surveys",
    }
    return render(request, "followups/survey_list.html", context, status=status)


@login_required
def win_back_list(request):
    """流失与挽回: the win-back list of the user's stores, filtered and paged, with the measures."""
    form = WinBackFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = request.GET.get("page", "1")
    page = max(int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1, 1)
    queryset = selectors.win_back_list(
        user=request.user, reason=filters.get("reason", ""), since=filters.get("since"), until=filters.get("until")
    )
    rows = list(queryset[(page - 1) * WIN_BACK_PAGE_SIZE : page * WIN_BACK_PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "win_backs": rows[:WIN_BACK_PAGE_SIZE],
        "has_next": len(rows) > WIN_BACK_PAGE_SIZE,
        "page": page,
        "filter_query": query.urlencode(),
        "measures": selectors.retention_measures(user=request.user),
        "tab": "win_backs",
    }
    return render(request, "followups/win_back_list.html", context)


@login_required
def interview_list(request):
    """Open quarterly in-depth interview tasks of the user's stores (DOMAIN §7)."""
    context = {"tasks": list(selectors.interview_list(user=request.user)[:PAGE_SIZE]), "tab": "interviews"}
    return render(request, "followups/interview_list.html", context)


@ratelimit(key=lambda group, request: client_ip(request) or "unknown", rate="30/m", block=True)
def survey_page(request, token: str):
    """The public answer page (no login; DOMAIN §7). A bad link gets a friendly page, stores nothing."""
    try:
        invitation = surveys.invitation_for_token(token)
    except surveys.SurveyLinkInvalid as exc:
        return render(request, "followups/survey_closed.html", {"message": exc.detail}, status=410)
    questions = list(invitation.survey.questions.all())
    errors = {}
    if request.method == "POST":
        scores = {q.pk: _int_or_none(request.POST.get(f"q{q.pk}")) for q in questions}
        comments = {q.pk: request.POST.get(f"c{q.pk}", "")[:1000] for q in questions}
        try:
            surveys.survey_answer(token=token, scores=scores, comments=comments)
        except surveys.SurveyLinkInvalid as exc:
            return render(request, "followups/survey_closed.html", {"message": exc.detail}, status=410)
        except InvalidInput as exc:
            errors = exc.errors
        else:
            return render(request, "followups/survey_closed.html", {"message": "提交成功，感谢您的反馈！"})
    context = {
        "survey": invitation.survey,
        "questions": questions,
        "errors": errors,
        "scale": range(Question.SCALE_MIN, Question.SCALE_MAX + 1),
    }
    return render(request, "followups/survey_page.html", context, status=422 if errors else 200)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 3 else None


def _errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
