import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import api_client_for, make_user
from tasks.models import Task


@pytest.fixture
def task_for_alice(advisor_alice, customer_a, vehicle_a):
    return Task.objects.create(
        store_id=customer_a.store_id,
        customer=customer_a,
        vehicle=vehicle_a,
        assignee=advisor_alice,
        kind="reminder_service",
        title="保养提醒电话 粤BD12345",
        due_at=timezone.now() - dt.timedelta(hours=1),
        source_key="reminder:999",
    )


def test_my_tasks_lists_only_mine_with_overdue_flag(advisor_alice, task_for_alice, group, store_a):
    colleague = make_user("carol", Role.ADVISOR, group, [store_a])
    mine = api_client_for(advisor_alice).get("/api/tasks", {"assignee": "me"}).json()
    assert [(t["id"], t["overdue"], t["customer_name"]) for t in mine["items"]] == [(task_for_alice.id, True, "张三")]
    assert api_client_for(colleague).get("/api/tasks").json()["items"] == []


def test_a_manager_sees_the_whole_store(task_for_alice, group, store_a):
    manager = make_user("boss", Role.STORE_MANAGER, group, [store_a])
    assert api_client_for(manager).get("/api/tasks", {"assignee": "all"}).json()["count"] == 1


def test_outcome_closes_the_task_and_a_second_outcome_conflicts(advisor_alice, task_for_alice):
    client = api_client_for(advisor_alice)
    url = f"/api/tasks/{task_for_alice.id}/outcome"
    response = client.post(url, json.dumps({"outcome": "booked", "notes": "周六上午到店"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done" and "周六上午到店" in response.json()["notes"]
    assert client.post(url, json.dumps({"outcome": "booked"}), content_type="application/json").status_code == 409
    assert client.post(url, json.dumps({"outcome": "maybe"}), content_type="application/json").status_code == 422


def test_reassign_only_within_the_store(advisor_alice, advisor_bob, task_for_alice, group, store_a):
    colleague = make_user("carol", Role.CALL_CENTRE_AGENT, group, [store_a])
    client = api_client_for(advisor_alice)
    url = f"/api/tasks/{task_for_alice.id}/reassign"
    assert client.post(url, json.dumps({"assignee_id": advisor_bob.id}), content_type="application/json").status_code == 422
    assert (
        client.post(url, json.dumps({"assignee_id": colleague.id}), content_type="application/json").json()["assignee_id"]
        == colleague.id
    )


def test_the_task_page_highlights_overdue_and_records_an_outcome(client, advisor_alice, task_for_alice):
    client.force_login(advisor_alice)
    html = client.get("/tasks/").content.decode()
    assert "已逾期" in html and "保养提醒电话" in html
    client.post(f"/tasks/{task_for_alice.id}/outcome/", {"outcome": "no_answer"})
    task_for_alice.refresh_from_db()
    assert task_for_alice.status == "open" and task_for_alice.due_at > timezone.now()
