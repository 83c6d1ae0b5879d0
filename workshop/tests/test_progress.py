"""DOMAIN §6: progress at least every 2 hours while in the shop, a signed progress page; DOMAIN §1:
waiting more than 15 min beyond the promise → an apology task (once per promise)."""

import datetime as dt
import time
from unittest import mock

import pytest
from django.utils import timezone

from messaging.models import OutboxMessage
from tasks.models import Task
from workshop import services
from workshop.progress import apology_tasks_create, progress_token, progress_updates_send
from workshop.tasks import progress_job
from workshop.tests.conftest import approved_order


@pytest.fixture
def confirmed(advisor_alice, vehicle_a, technician_tom):
    return approved_order(advisor_alice, vehicle_a, technician_tom)


def _progress_messages():
    return OutboxMessage.objects.filter(idempotency_key__startswith="ro_progress:")


def test_an_update_goes_out_after_two_quiet_hours_exactly_once(confirmed):
    now = timezone.now()
    assert progress_updates_send(now=now + dt.timedelta(minutes=110)) == 0
    later = now + dt.timedelta(minutes=121)
    assert progress_updates_send(now=later) == 1
    assert progress_updates_send(now=later) == 0  # a rerun sends nothing twice
    assert progress_updates_send(now=later + dt.timedelta(minutes=50)) == 0  # still before the promise
    assert progress_updates_send(now=later + dt.timedelta(minutes=121)) == 1
    assert _progress_messages().count() == 2


def test_a_late_order_is_updated_every_30_minutes(confirmed):
    late = confirmed.promised_at + dt.timedelta(minutes=1)
    confirmed.__class__.objects.filter(pk=confirmed.pk).update(last_progress_at=late - dt.timedelta(minutes=31))
    assert progress_updates_send(now=late) == 1
    assert "超出承诺时间" in _progress_messages().get().variables["topic"]


def test_delivered_orders_get_no_periodic_updates(advisor_alice, confirmed):
    services.repair_order_cancel(user=advisor_alice, order=confirmed, reason="客户取消")
    assert progress_updates_send(now=timezone.now() + dt.timedelta(hours=5)) == 0


def test_an_apology_task_is_created_once_per_missed_promise(advisor_alice, confirmed):
    assert apology_tasks_create(now=confirmed.promised_at + dt.timedelta(minutes=14)) == 0
    late = confirmed.promised_at + dt.timedelta(minutes=16)
    assert apology_tasks_create(now=late) == 1
    assert apology_tasks_create(now=late) == 0
    task = Task.objects.get(kind="repair_apology")
    assert task.assignee == advisor_alice and "超时致歉" in task.title
    new_promise = timezone.now() + dt.timedelta(hours=6)
    services.repair_order_plan(user=advisor_alice, order=confirmed, diagnosis="等待配件", promised_at=new_promise)
    assert apology_tasks_create(now=new_promise + dt.timedelta(minutes=16)) == 1
    assert Task.objects.filter(kind="repair_apology").count() == 2


def test_the_job_reports_both_counts(confirmed):
    assert progress_job() == {"progress_sent": 0, "apology_tasks": 0}


def test_the_progress_page_shows_the_step_and_the_promise(client, confirmed):
    response = client.get(f"/p/{progress_token(confirmed)}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "第 4 步" in page and timezone.localtime(confirmed.promised_at).strftime("%H:%M") in page
    assert confirmed.vehicle.plate not in page  # masked
    assert confirmed.customer.name not in page


def test_a_forged_or_expired_link_is_refused(client, confirmed):
    assert client.get("/p/123:abc:def/").status_code == 410
    token = progress_token(confirmed)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 31 * 86400):
        response = client.get(f"/p/{token}/")
    assert response.status_code == 410 and "过期" in response.content.decode()


def test_the_job_is_registered():
    from core.jobs import JOBS_BY_NAME

    job = JOBS_BY_NAME["workshop.progress"]
    assert job.every_seconds and job.call() == {"progress_sent": 0, "apology_tasks": 0}
