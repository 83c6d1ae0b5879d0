"""The public survey page on a phone in Debian's Chromium: no login, tap the scores, submit once."""

import pytest

from accounts.models import Role
from conftest import make_user
from customers.services import customer_create
from followups.models import SurveyResponse
from followups.surveys import QuestionIn, survey_create, survey_invite, survey_templates_ensure, survey_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_answers_on_a_phone_and_the_link_then_closes(live_server, browser_page, group, store_a):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    customer = customer_create(user=manager, name="张三", mobile="13812341234")
    survey = survey_create(
        user=manager,
        store_id=store_a.id,
        name="售后满意度",
        questions=[QuestionIn("服务态度"), QuestionIn("维修质量"), QuestionIn("等待时间")],
    )
    survey_templates_ensure()
    token = survey_token(survey_invite(survey=survey, customer=customer))

    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/s/{token}/")
    for question in survey.questions.all():
        page.check(f"input[name=q{question.id}][value='9']")
    page.click("button[type=submit]")
    page.wait_for_selector("text=感谢您的反馈")
    assert SurveyResponse.objects.get().lowest_score == 9
    page.goto(f"{live_server.url}/s/{token}/")
    assert page.locator("text=您已提交过本次调查").count() == 1
