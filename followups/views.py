"""回访与调查: the follow-up work list, survey results per store and the public survey page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core.api import client_ip
from core.errors import InvalidInput
from core.forms import call_service
from followups import selectors, services, surveys
from followups.models import FollowUp, Question

PAGE_SIZE = 100


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
    context = {"follow_ups": rows, "issues": issues, "record_form": RecordForm()}
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
    return render(request, "followups/survey_list.html", {"surveys": list(selectors.survey_list(user=request.user)[:PAGE_SIZE])})


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
