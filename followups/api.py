import datetime as dt

from django_ratelimit.decorators import ratelimit
from ninja import Query, Router, Schema, Status

from core.api import client_ip, paginate
from customers.selectors import customer_get
from followups import selectors, services, surveys
from followups.schemas import (
    FollowUpMeasuresOut,
    FollowUpOut,
    FollowUpPage,
    FollowUpRecordIn,
    FollowUpResolveIn,
    InvitationIn,
    InvitationOut,
    RetentionMeasuresOut,
    SurveyAnswerIn,
    SurveyAnswerOut,
    SurveyIn,
    SurveyOut,
    SurveyResultsOut,
)
from vehicles.selectors import vehicle_get

router = Router(tags=["follow-ups"])


class FollowUpQuery(Schema):
    view: str = "open"  # open | issues | all
    limit: int | None = None
    offset: int | None = None


class MeasuresQuery(Schema):
    since: dt.date
    until: dt.date | None = None


@router.get("", response=FollowUpPage)
def follow_up_list(request, params: Query[FollowUpQuery]):
    queryset = selectors.follow_up_list(user=request.auth, open_only=params.view == "open", issues_only=params.view == "issues")
    return paginate(queryset, params.limit, params.offset)


@router.get("/measures", response=FollowUpMeasuresOut)
def follow_up_measures(request, params: Query[MeasuresQuery]):
    """DOMAIN §7: follow-up rate (target 100 %), on-time rate, issue resolution rate (≥ 95 %)."""
    return selectors.follow_up_measures(user=request.auth, since=params.since, until=params.until)


@router.get("/retention", response=RetentionMeasuresOut)
def retention_measures(request):
    """DOMAIN §8: customers lost and at churn risk (win-back list) and the win-back rate."""
    return selectors.retention_measures(user=request.auth)


@router.get("/{int:follow_up_id}", response=FollowUpOut)
def follow_up_detail(request, follow_up_id: int):
    return selectors.follow_up_get(user=request.auth, follow_up_id=follow_up_id)


@router.post("/{int:follow_up_id}/outcome", response=FollowUpOut)
def follow_up_outcome(request, follow_up_id: int, payload: FollowUpRecordIn):
    follow_up = selectors.follow_up_get(user=request.auth, follow_up_id=follow_up_id)
    return services.follow_up_record(user=request.auth, follow_up=follow_up, **payload.dict())


@router.post("/{int:follow_up_id}/resolve", response=FollowUpOut)
def follow_up_resolve(request, follow_up_id: int, payload: FollowUpResolveIn):
    follow_up = selectors.follow_up_get(user=request.auth, follow_up_id=follow_up_id)
    return services.follow_up_resolve(user=request.auth, follow_up=follow_up, resolution=payload.resolution)


surveys_router = Router(tags=["surveys"])


@surveys_router.get("", response=list[SurveyOut])
def survey_list(request):
    return list(selectors.survey_list(user=request.auth)[:200])


@surveys_router.post("", response={201: SurveyOut})
def survey_create(request, payload: SurveyIn):
    questions = [surveys.QuestionIn(text=q.text, allows_comment=q.allows_comment) for q in payload.questions]
    survey = surveys.survey_create(user=request.auth, store_id=payload.store_id, name=payload.name, questions=questions)
    return Status(201, survey)


@surveys_router.get("/{int:survey_id}", response=SurveyOut)
def survey_detail(request, survey_id: int):
    return selectors.survey_get(user=request.auth, survey_id=survey_id)


@surveys_router.get("/{int:survey_id}/results", response=SurveyResultsOut)
def survey_results(request, survey_id: int):
    """DOMAIN §7: response rate and average score per question."""
    return selectors.survey_results(survey=selectors.survey_get(user=request.auth, survey_id=survey_id))


@surveys_router.post("/{int:survey_id}/invitations", response={201: InvitationOut})
def survey_invite(request, survey_id: int, payload: InvitationIn):
    survey = selectors.survey_get(user=request.auth, survey_id=survey_id)
    customer = customer_get(user=request.auth, customer_id=payload.customer_id)
    vehicle = vehicle_get(user=request.auth, vehicle_id=payload.vehicle_id) if payload.vehicle_id else None
    return Status(201, surveys.survey_invite(user=request.auth, survey=survey, customer=customer, vehicle=vehicle))


answers_router = Router(tags=["surveys"])


@answers_router.post("", auth=None, response={201: SurveyAnswerOut})
@ratelimit(key=lambda group, request: client_ip(request) or "unknown", rate="20/m", block=True)
def survey_answer(request, payload: SurveyAnswerIn):
    """The public answer of a survey link (no login; the signed token is the credential).
    Out-of-range scores → 422; an expired, used or tampered link → 410."""
    scores = {a.question_id: a.score for a in payload.answers}
    comments = {a.question_id: a.comment for a in payload.answers}
    return Status(201, surveys.survey_answer(token=payload.token, scores=scores, comments=comments))
