"""DOMAIN §7 follow-up outcomes: retries when unreachable, issues described, scanned and resolved."""

import datetime as dt
import json

import pytest

from complaints.models import RedAlert
from complaints.services.red_alerts import red_alert_keywords_ensure
from conftest import api_client_for
from core.errors import Conflict, InvalidInput
from followups.services import follow_up_record, follow_up_resolve, visit_follow_ups_plan
from tasks.models import Task
from tasks.services import task_record_outcome


@pytest.fixture
def follow_up(vehicle_a):
    vehicle_a.service_cycle = 3
    return visit_follow_ups_plan(vehicle=vehicle_a, visited_on=dt.date(2025, 3, 10))[0]


def test_it_retries_an_unreachable_customer_then_gives_up(advisor_alice, follow_up):
    for _ in range(2):
        follow_up = follow_up_record(user=advisor_alice, follow_up=follow_up, outcome="unreachable")
        assert follow_up.outcome == "" and Task.objects.get().status == "open"
    follow_up = follow_up_record(user=advisor_alice, follow_up=follow_up, outcome="unreachable")
    assert (follow_up.outcome, follow_up.attempts) == ("unreachable", 3)
    assert Task.objects.values_list("status", "outcome").get() == ("done", "no_answer")


def test_an_issue_needs_a_description_raises_a_red_alert_and_is_resolved(advisor_alice, follow_up):
    red_alert_keywords_ensure()
    with pytest.raises(InvalidInput):
        follow_up_record(user=advisor_alice, follow_up=follow_up, outcome="issue_raised")
    follow_up = follow_up_record(
        user=advisor_alice, follow_up=follow_up, outcome="issue_raised", issue_description="保养后刹车失灵"
    )
    assert RedAlert.objects.get().source == f"follow_up:{follow_up.pk}"
    with pytest.raises(Conflict):
        follow_up_record(user=advisor_alice, follow_up=follow_up, outcome="satisfied")
    follow_up = follow_up_resolve(user=advisor_alice, follow_up=follow_up, resolution="已免费检修刹车")
    assert follow_up.resolved_at is not None
    with pytest.raises(Conflict):
        follow_up_resolve(user=advisor_alice, follow_up=follow_up, resolution="again")


def test_an_outcome_on_the_task_list_settles_the_follow_up(advisor_alice, follow_up):
    task_record_outcome(user=advisor_alice, task=follow_up.task, outcome="not_interested")
    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.attempts) == ("refused", 1)


def test_the_api_records_and_measures(advisor_alice, follow_up):
    client = api_client_for(advisor_alice)
    assert [f["id"] for f in client.get("/api/follow-ups").json()["items"]] == [follow_up.id]
    bad = client.post(
        f"/api/follow-ups/{follow_up.id}/outcome", json.dumps({"outcome": "happy"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "outcome" in bad.json()["errors"]
    ok = client.post(
        f"/api/follow-ups/{follow_up.id}/outcome", json.dumps({"outcome": "satisfied"}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["outcome"] == "satisfied"
    measures = client.get("/api/follow-ups/measures", {"since": "2025-01-01", "until": "2030-01-01"}).json()
    assert (measures["due"], measures["reached"], measures["follow_up_rate"], measures["issue_resolution_rate"]) == (
        1,
        1,
        100.0,
        None,
    )


def test_the_work_list_page_records_an_outcome(client, advisor_alice, follow_up):
    client.force_login(advisor_alice)
    page = client.get("/followups/")
    assert page.status_code == 200 and follow_up.vehicle.plate in page.content.decode()
    client.post(f"/followups/{follow_up.id}/outcome/", {"outcome": "issue_raised", "issue_description": "空调异味"})
    issues = client.get("/followups/?view=issues").content.decode()
    assert "空调异味" in issues
    client.post(f"/followups/{follow_up.id}/resolve/", {"resolution": "已清洗"})
    follow_up.refresh_from_db()
    assert follow_up.resolution == "已清洗"
