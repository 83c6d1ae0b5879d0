"""No duplicates when the showroom and a colleague open the same handover at once, and one late
handover is escalated once by several job workers (STYLE §7)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from handover.models import Handover
from handover.services import handover_escalate_due
from handover.tests.conftest import open_handover
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


def test_simultaneous_opens_give_one_handover(sales_sam, delivered_vehicle):
    results = _together(lambda: open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam).pk)
    assert len(results) == 4 and len(set(results)) == 1
    assert Handover.objects.count() == 1 and Task.objects.filter(kind="handover_submit").count() == 1


def test_several_workers_escalate_a_late_handover_once(sales_sam, manager_mia, delivered_vehicle):
    handover = open_handover(
        user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam, delivered_at=timezone.now() - dt.timedelta(hours=30)
    )
    results = _together(lambda: handover_escalate_due()["breached"])
    assert sum(results) == 1
    assert Task.objects.filter(source_key=f"handover:{handover.pk}:late_submit").count() == 1
