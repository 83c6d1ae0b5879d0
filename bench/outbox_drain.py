"""Drain throughput to the file backend: N queued SMS rows (N customers), one outbox_drain call.

Run on a scratch database (it migrates it and deletes its own bench rows):
    DATABASE_URL=sqlite:////tmp/outbox-bench.sqlite3 .venv/bin/python bench/outbox_drain.py 20000
"""

import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")
import django

django.setup()
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import DealerGroup, Store
from customers.models import Customer
from messaging.models import MessageTemplate, OutboxMessage
from messaging.services import outbox_drain

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
call_command("migrate", verbosity=0)
OutboxMessage.objects.all().delete()
Customer.objects.filter(name__startswith="压测").delete()
group = DealerGroup.objects.get_or_create(name="压测集团")[0]
store = Store.objects.get_or_create(
    code="BENCH", defaults={"group": group, "name": "压测店", "phone": "020-1", "sms_signature": "压测"}
)[0]
MessageTemplate.objects.get_or_create(
    store=None,
    code="bench",
    channel="sms",
    defaults={
        "purpose": "service",
        "name": "b",
        "body": "尊敬的{name}，您的爱车{plate}将于{due_date}到保养时间，预约电话{store_phone}。",
    },
)
customers = Customer.objects.bulk_create(
    Customer(store=store, name=f"压测{i}", name_pinyin="", name_initials="", mobile=f"+86139{i:08d}") for i in range(N)
)
noon = timezone.now().replace(hour=4, minute=0)  # 12:00 in Shanghai: outside quiet hours
OutboxMessage.objects.bulk_create(
    OutboxMessage(
        store=store,
        customer=c,
        channel="sms",
        purpose="service",
        template_code="bench",
        variables={"plate": "粤BD12345", "due_date": "2026-12-01"},
        idempotency_key=f"bench:{c.id}",
        next_attempt_at=noon,
    )
    for c in customers
)
settings.MESSAGING_SMS_BACKEND = "file"
settings.MESSAGING_FILE_PATH = "/tmp/msgbench/outbox.jsonl"
if os.path.exists(settings.MESSAGING_FILE_PATH):
    os.remove(settings.MESSAGING_FILE_PATH)
started = time.perf_counter()
handled = outbox_drain(now=noon)
elapsed = time.perf_counter() - started
with open(settings.MESSAGING_FILE_PATH) as written:
    lines = sum(1 for _ in written)
print(
    f"{settings.DATABASES['default']['ENGINE']}: {handled} handled, {lines} lines, {elapsed:.2f} s, {handled / elapsed:,.0f} msgs/s"
)
assert OutboxMessage.objects.filter(status="sent").count() == N
