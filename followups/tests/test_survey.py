"""DOMAIN §7 surveys: 3–5 questions, 1–10, a signed expiring link answered once without login;
a low score or a red-alert word opens a complaint."""

import json

import pytest
from django.core import signing
from django.test import Client

from accounts.models import Role
from complaints.models import Complaint
from complaints.services.red_alerts import red_alert_keywords_ensure
from conftest import api_client_for, make_user
from core.errors import InvalidInput
from followups.models import Answer, SurveyResponse
from followups.surveys import QuestionIn, survey_create, survey_invite, survey_templates_ensure, survey_token
from messaging.models import OutboxMessage


@pytest.fixture
def manager(group, store_a):
    return make_user("mia", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def survey(manager, store_a):
    questions = [QuestionIn("服务态度"), QuestionIn("维修质量"), QuestionIn("其他意见", allows_comment=True)]
    return survey_create(user=manager, store_id=store_a.id, name="售后满意度", questions=questions)


@pytest.fixture
def token(survey, customer_a):
    survey_templates_ensure()
    return survey_token(survey_invite(survey=survey, customer=customer_a))


def _answers(survey, scores, comment=""):
    questions = list(survey.questions.all())
    return [{"question_id": q.id, "score": s, "comment": comment} for q, s in zip(questions, scores, strict=True)]


def _post(token, answers):
    body = json.dumps({"token": token, "answers": answers})
    return Client().post("/api/survey-answers", body, content_type="application/json")


def test_a_survey_needs_three_to_five_questions(manager, store_a):
    with pytest.raises(InvalidInput):
        survey_create(user=manager, store_id=store_a.id, name="x", questions=[QuestionIn("a"), QuestionIn("b")])


def test_the_invitation_sms_carries_the_link(token):
    message = OutboxMessage.objects.get()
    assert message.status != "failed" and f"/s/{token}/" in json.dumps(message.variables, ensure_ascii=False)


def test_a_good_answer_is_stored_once_and_opens_nothing(survey, token):
    assert _post(token, _answers(survey, [9, 8, 10])).status_code == 201
    again = _post(token, _answers(survey, [1, 1, 1]))
    assert again.status_code == 410 and set(again.json()) == {"detail", "errors"}
    assert SurveyResponse.objects.count() == 1 and Answer.objects.count() == 3
    assert not Complaint.objects.exists()


def test_out_of_range_scores_are_refused_and_nothing_is_stored(survey, token):
    response = _post(token, _answers(survey, [11, 0, 5]))
    assert response.status_code == 422 and len(response.json()["errors"]) == 2
    assert not SurveyResponse.objects.exists()


def test_a_low_score_or_a_red_alert_word_opens_a_complaint(survey, token, customer_a):
    red_alert_keywords_ensure()
    _post(token, _answers(survey, [6, 9, 9]))
    response = SurveyResponse.objects.get()
    assert Complaint.objects.get().source_key == f"survey:{response.id}"
    other = survey_token(survey_invite(survey=survey, customer=customer_a))
    _post(other, _answers(survey, [9, 9, 9], comment="我要找律师"))
    assert Complaint.objects.filter(source="survey").count() == 2


def test_tampered_and_expired_links_get_a_friendly_page(survey, token, settings):
    assert Client().get(f"/s/{token}x/").status_code == 410
    page = Client().get(f"/s/{token}/")
    assert page.status_code == 200 and "服务态度" in page.content.decode()
    signer = signing.TimestampSigner(salt="followups.survey")
    stale = signing.TimestampSigner(salt="followups.survey")
    stale.timestamp = lambda: signing.b62_encode(0)
    expired = stale.sign(signer.unsign(token))
    response = Client().post(f"/s/{expired}/", {})
    assert response.status_code == 410 and "过期" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_public_page_stores_answers_and_results_show_averages(survey, token, manager):
    questions = list(survey.questions.all())
    form = {f"q{q.id}": "8" for q in questions}
    assert "感谢" in Client().post(f"/s/{token}/", form).content.decode()
    results = api_client_for(manager).get(f"/api/surveys/{survey.id}/results").json()
    assert (results["response_rate"], [q["average"] for q in results["questions"]]) == (100.0, [8.0, 8.0, 8.0])
    client = Client()
    client.force_login(manager)
    assert client.get(f"/followups/surveys/{survey.id}/").status_code == 200
