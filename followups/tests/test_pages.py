"""Staff pages of follow-ups: the survey builder, the win-back list and the interview list —
Chinese field errors, filters, paging, and never a row of another store."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from followups.models import Survey, WinBack
from followups.views import WIN_BACK_PAGE_SIZE
from tasks.models import Task
from vehicles.services import vehicle_create


@pytest.fixture
def manager_a(group, store_a):
    return make_user("mia", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def vehicle_b(advisor_bob, customer_b):
    vehicle, _ = vehicle_create(
        user=advisor_bob,
        owner=customer_b,
        vin="LSVAB2BM5KN000001",
        plate="粤A99999",
        brand="大众",
        model="朗逸",
        powertrain="petrol",
        purchase_date=dt.date(2024, 1, 1),
    )
    return vehicle


def _win_back(vehicle, reason="lost", flagged_on=dt.date(2025, 6, 30), cycle=1):
    return WinBack.objects.create(
        store_id=vehicle.store_id,
        vehicle=vehicle,
        customer_id=vehicle.owner_id,
        reason=reason,
        cycle=cycle,
        flagged_on=flagged_on,
    )


SURVEY_POST = {"name": "售后满意度", "q1": "服务态度", "q2": "维修质量", "q3": "等待时间", "c2": "on"}


def test_the_follow_up_list_links_the_sub_pages(client, advisor_alice):
    client.force_login(advisor_alice)
    html = client.get(reverse("followups:list")).content.decode()
    for name in ("surveys", "win_backs", "interviews"):
        assert reverse(f"followups:{name}") in html
    assert "流失与挽回" in html and "<script>" not in html


def test_a_manager_creates_a_survey(client, manager_a, store_a):
    client.force_login(manager_a)
    assert "新建调查" in client.get(reverse("followups:surveys")).content.decode()
    response = client.post(reverse("followups:surveys"), {**SURVEY_POST, "q4": "价格", "c4": "on"}, follow=True)
    survey = Survey.objects.get()
    assert survey.store_id == store_a.id and survey.name == "售后满意度"
    assert list(survey.questions.values_list("text", "allows_comment")) == [
        ("服务态度", False),
        ("维修质量", True),
        ("等待时间", False),
        ("价格", True),
    ]
    assert "已创建调查：售后满意度" in response.content.decode()


def test_survey_errors_are_shown_next_to_the_fields_in_chinese(client, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("followups:surveys"), {"name": "", "q1": "服务态度", "q2": "", "q3": "", "c5": "on"})
    html = response.content.decode()
    assert response.status_code == 422 and not Survey.objects.exists()
    assert 'id="name-error">请填写名称' in html
    assert 'id="q2-error">请填写问题' in html and 'id="q3-error">请填写问题' in html
    assert 'id="q5-error">勾选了允许填写意见，请填写问题' in html


def test_an_advisor_may_not_create_a_survey_and_sees_the_services_message(client, advisor_alice):
    client.force_login(advisor_alice)
    assert "新建调查" not in client.get(reverse("followups:surveys")).content.decode()
    response = client.post(reverse("followups:surveys"), SURVEY_POST, follow=True)
    assert not Survey.objects.exists()
    assert "您的角色无权执行此操作" in response.content.decode()


def test_the_survey_list_shows_only_the_users_stores(client, manager_a, store_a, store_b):
    Survey.objects.create(store=store_a, name="A店调查")
    Survey.objects.create(store=store_b, name="B店调查")
    client.force_login(manager_a)
    html = client.get(reverse("followups:surveys")).content.decode()
    assert "A店调查" in html and "B店调查" not in html


def test_the_win_back_list_filters_links_and_counts(client, advisor_alice, vehicle_a):
    _win_back(vehicle_a, "lost", dt.date(2025, 6, 30))
    _win_back(vehicle_a, "churn_risk", dt.date(2025, 3, 1), cycle=2)
    client.force_login(advisor_alice)
    url = reverse("followups:win_backs")
    html = client.get(url).content.decode()
    assert "流失客户" in html and "流失风险" in html
    assert reverse("customers:detail", args=[vehicle_a.owner_id]) in html
    assert "挽回率" in html and "0.0%" in html
    lost_only = client.get(url, {"reason": "lost"}).content.decode()
    assert "2025-06-30" in lost_only and "2025-03-01" not in lost_only
    march = client.get(url, {"since": "2025-02-01", "until": "2025-03-31"}).content.decode()
    assert "2025-03-01" in march and "2025-06-30" not in march
    bad = client.get(url, {"since": "2025-07-01", "until": "2025-06-01"}).content.decode()
    assert "结束日期不能早于开始日期" in bad


def test_the_win_back_list_pages_by_fifty(client, advisor_alice, vehicle_a):
    for cycle in range(1, WIN_BACK_PAGE_SIZE + 2):
        _win_back(vehicle_a, "lost", dt.date(2025, 1, 1) + dt.timedelta(days=cycle), cycle=cycle)
    client.force_login(advisor_alice)
    url = reverse("followups:win_backs")
    first = client.get(url, {"reason": "lost"})
    assert len(first.context["win_backs"]) == WIN_BACK_PAGE_SIZE and first.context["has_next"]
    html = first.content.decode()
    assert ">下一页<" in html and ">上一页<" not in html and "reason=lost&amp;page=2" in html
    second = client.get(url, {"reason": "lost", "page": "2"})
    assert len(second.context["win_backs"]) == 1 and not second.context["has_next"]
    assert ">上一页<" in second.content.decode()


def test_the_win_back_list_never_shows_another_stores_rows(client, advisor_alice, vehicle_a, vehicle_b):
    _win_back(vehicle_a)
    _win_back(vehicle_b)
    client.force_login(advisor_alice)
    response = client.get(reverse("followups:win_backs"))
    assert [w.store_id for w in response.context["win_backs"]] == [vehicle_a.store_id]
    assert "粤A99999" not in response.content.decode()
    assert response.context["measures"]["lost"] == 1


def test_the_interview_list_shows_open_interviews_of_the_users_stores(client, advisor_alice, customer_a, customer_b):
    due = dt.datetime(2025, 7, 15, 10, tzinfo=dt.UTC)
    for customer, key in ((customer_a, "a"), (customer_b, "b")):
        Task.objects.create(
            store_id=customer.store_id,
            customer=customer,
            kind="interview",
            title=f"季度深度访谈-{key}",
            due_at=due,
            source_key=key,
        )
    Task.objects.create(
        store_id=customer_a.store_id,
        customer=customer_a,
        kind="interview",
        title="季度深度访谈-done",
        due_at=due,
        source_key="done",
        status="done",
    )
    Task.objects.create(
        store_id=customer_a.store_id, customer=customer_a, kind="win_back", title="客户挽回", due_at=due, source_key="w"
    )
    client.force_login(advisor_alice)
    html = client.get(reverse("followups:interviews")).content.decode()
    assert "季度深度访谈-a" in html
    assert "季度深度访谈-b" not in html and "季度深度访谈-done" not in html and "客户挽回" not in html
    assert reverse("customers:detail", args=[customer_a.id]) in html


def test_the_pages_need_a_login(client, db):
    for name in ("surveys", "win_backs", "interviews"):
        assert client.get(reverse(f"followups:{name}")).status_code == 302
