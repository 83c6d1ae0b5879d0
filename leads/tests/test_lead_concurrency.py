"""Two job workers escalate a late follow-up once; a proposal clicked twice at once gives one lead."""

import datetime as dt
import threading

import pytest
from django.db import connection

from leads.models import Lead
from leads.services import lead_clocks_run, lead_record
from tasks.models import Task

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database; SQLite serialises writers"),
]


def _together(target, n=4):
    results, barrier = [], threading.Barrier(n)

    def run():
        barrier.wait()
        try:
            results.append(target())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _record(user, customer, **extra):
    fields = {"kind": "trade_in", "grade": "B", "description": "购车满三年", "source": "anniversary"}
    return lead_record(user=user, customer=customer, **{**fields, **extra})


def test_a_proposal_accepted_twice_at_once_gives_one_lead(advisor_alice, sams_customer):
    results = _together(lambda: _record(advisor_alice, sams_customer, source_key="anniversary:1-2023").pk)
    assert len(set(results)) == 1 and Lead.objects.count() == 1
    assert Task.objects.filter(kind="lead_follow_up").count() == 1


def test_several_workers_escalate_a_late_follow_up_once(advisor_alice, sams_customer, manager_mia):
    lead = _record(advisor_alice, sams_customer)
    late = lead.follow_up_due_at + dt.timedelta(minutes=5)
    results = _together(lambda: lead_clocks_run(now=late)["escalated"])
    assert sum(results) == 1
    assert Task.objects.filter(kind="lead_escalated").count() == 1
