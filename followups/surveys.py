"""Surveys (DOMAIN §7): 3–5 questions on a 1–10 scale, answered once through a signed, expiring
link without login; a low score or a red-alert word opens a complaint automatically."""

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import DomainError, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from followups.models import Answer, Question, Survey, SurveyInvitation, SurveyResponse

MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
SURVEY_LINK_SALT = "followups.survey"


class SurveyLinkInvalid(DomainError):
    """Expired, already used or tampered link → a friendly page; nothing is stored."""

    status = 410


@dataclass(frozen=True)
class QuestionIn:
    text: str
    allows_comment: bool = False


@transaction.atomic
def survey_create(*, user, store_id: int | None, name: str, questions: list[QuestionIn]) -> Survey:
    require(user, Perm.MESSAGE_TEMPLATE_EDIT)  # managers design what customers are asked
    store_id = store_for_write(user, store_id)
    errors = {}
    if not name.strip():
        errors["name"] = "请填写名称"
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        errors["questions"] = f"调查须有 {MIN_QUESTIONS}–{MAX_QUESTIONS} 个问题"
    elif any(not q.text.strip() for q in questions):
        errors["questions"] = "问题不能为空"
    if errors:
        raise InvalidInput(errors)
    survey = Survey.objects.create(store_id=store_id, name=name.strip()[:100])
    Question.objects.bulk_create(
        Question(survey=survey, position=i, text=q.text.strip()[:200], allows_comment=q.allows_comment)
        for i, q in enumerate(questions, start=1)
    )
    return survey


def survey_token(invitation: SurveyInvitation) -> str:
    return signing.TimestampSigner(salt=SURVEY_LINK_SALT).sign(str(invitation.pk))


@transaction.atomic
def survey_invite(*, survey: Survey, customer, vehicle=None, user=None) -> SurveyInvitation:
    """Send the link by SMS through the outbox, in this transaction (template "survey_invite").
    Staff pass `user`; the delivery process may call it without one."""
    from messaging.services import message_queue

    if user is not None:
        require(user, Perm.INTERACTION_LOG)
    if customer.store_id != survey.store_id:
        raise InvalidInput({"customer_id": "客户不属于该调查的门店"})
    if vehicle is not None and vehicle.owner_id != customer.pk:
        raise InvalidInput({"vehicle_id": "车辆不属于该客户"})
    invitation = SurveyInvitation.objects.create(store_id=survey.store_id, survey=survey, customer=customer, vehicle=vehicle)
    base = str(policy_value(survey.store_id, "surveys.link_base_url")).rstrip("/")
    message_queue(
        store_id=survey.store_id,
        customer=customer,
        channel="sms",
        purpose="service",
        template_code="survey_invite",
        variables={"link": f"{base}/s/{survey_token(invitation)}/"},
        idempotency_key=f"survey_invite:{invitation.pk}",
    )
    return invitation


def invitation_for_token(token: str) -> SurveyInvitation:
    """The open invitation a link stands for, or SurveyLinkInvalid with a message for the customer."""
    signer = signing.TimestampSigner(salt=SURVEY_LINK_SALT)
    try:
        pk = int(signer.unsign(token, max_age=None))
    except (signing.BadSignature, ValueError):
        raise SurveyLinkInvalid("链接无效，请使用短信中的完整链接。") from None
    invitation = SurveyInvitation.objects.select_related("survey").filter(pk=pk).first()
    if invitation is None:
        raise SurveyLinkInvalid("链接无效，请使用短信中的完整链接。")
    days = policy_value(invitation.store_id, "surveys.link_valid_days")
    try:
        signer.unsign(token, max_age=days * 86400)
    except signing.SignatureExpired:
        raise SurveyLinkInvalid("该调查链接已过期，感谢您的关注。") from None
    if invitation.answered_at is not None:
        raise SurveyLinkInvalid("您已提交过本次调查，感谢您的反馈！")
    return invitation


@transaction.atomic
def survey_answer(*, token: str, scores: dict[int, int], comments: dict[int, str] | None = None) -> SurveyResponse:
    """Store one link's answers once; a score ≤ the store's threshold or a red-alert word in the
    comments opens a complaint (source "survey", one per response, ever)."""
    invitation = invitation_for_token(token)
    invitation = SurveyInvitation.objects.select_for_update().select_related("survey", "customer").get(pk=invitation.pk)
    if invitation.answered_at is not None:
        raise SurveyLinkInvalid("您已提交过本次调查，感谢您的反馈！")
    questions = list(invitation.survey.questions.all())
    cleaned = _checked_answers(questions, scores, comments or {})
    response = SurveyResponse.objects.create(
        invitation=invitation,
        store_id=invitation.store_id,
        survey=invitation.survey,
        customer=invitation.customer,
        lowest_score=min(score for score, _ in cleaned.values()),
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=q, score=cleaned[q.pk][0], comment=cleaned[q.pk][1]) for q in questions
    )
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answered_at"])
    _complaint_if_unhappy(invitation, response, questions, cleaned)
    return response


def _checked_answers(questions: list[Question], scores: dict, comments: dict) -> dict[int, tuple[int, str]]:
    errors, cleaned = {}, {}
    for q in questions:
        score = scores.get(q.pk)
        if not isinstance(score, int) or isinstance(score, bool) or not Question.SCALE_MIN <= score <= Question.SCALE_MAX:
            errors[f"q{q.pk}"] = f"请为“{q.text}”打 {Question.SCALE_MIN}–{Question.SCALE_MAX} 分"
            continue
        cleaned[q.pk] = (score, str(comments.get(q.pk, "") or "").strip()[:1000] if q.allows_comment else "")
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _complaint_if_unhappy(invitation, response, questions, cleaned) -> None:
    from complaints.services import complaint_open
    from complaints.services.red_alerts import keyword_matches

    text = "；".join(comment for _, comment in cleaned.values() if comment)
    low = response.lowest_score <= policy_value(invitation.store_id, "surveys.low_score")
    if not low and not keyword_matches(invitation.store_id, text):
        return
    lines = [f"{q.text}：{cleaned[q.pk][0]} 分" for q in questions]
    complaint_open(
        customer=invitation.customer,
        title=f"满意度调查：最低 {response.lowest_score} 分" if low else "满意度调查意见含预警词",
        description="\n".join([*lines, f"客户意见：{text}" if text else ""]).strip(),
        category="service",
        channel="online",
        source="survey",
        source_key=f"survey:{response.id}",
        vehicle=invitation.vehicle,
    )


SURVEY_TEMPLATES = [("survey_invite", "service", "满意度调查邀请", "尊敬的{name}，感谢您的光临！请花3分钟为本次服务评分：{link}")]


def survey_templates_ensure() -> None:
    """The group-wide default invitation text (managers can edit or override it per store)."""
    from messaging.models import MessageTemplate

    for code, purpose, name, body in SURVEY_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            store=None, code=code, channel="sms", defaults={"purpose": purpose, "name": name, "body": body}
        )
