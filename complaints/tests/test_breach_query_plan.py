"""PERFORMANCE.md: the hot query — what is about to breach — is a range scan on the partial index of
the earliest deadline, on both databases (bench/sla_breach.py times it over 1,000,000 items)."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ContactRequest
from sla.selectors import due_soon


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned anyway
    return queryset.explain()


def test_about_to_breach_uses_the_deadline_index(complaint_a):
    soon = due_soon(Complaint.objects.all(), now=timezone.now(), within=dt.timedelta(hours=2))
    assert "complaint_deadline" in plan(soon.values_list("pk", flat=True))
    queue = due_soon(ContactRequest.objects.all(), now=timezone.now(), within=dt.timedelta(minutes=15))
    assert "contact_deadline" in plan(queue.values_list("pk", flat=True))
