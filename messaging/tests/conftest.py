"""Outbox fixtures: templates, a fake SMS/WeChat gateway on 127.0.0.1 and a real SMTP server."""

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from customers.services import consent_record
from messaging.models import MessageTemplate
from messaging.services import message_queue

SERVICE_BODY = "尊敬的{name}，您的爱车{plate}将于{due_date}到保养时间，预约电话{store_phone}。"
MARKETING_BODY = "{name}您好，{store_name}冬季免费检测进行中"


@pytest.fixture
def noon():
    """Tomorrow 12:00 in Shanghai: after any quiet-hours delay a message got when it was queued."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(12)))


@pytest.fixture
def store_a(store_a):
    store_a.phone, store_a.sms_signature = "020-88886666", "华南汽车"
    store_a.save()
    return store_a


@pytest.fixture
def templates(store_a):
    """Group defaults: a service notice and a marketing text, per channel."""
    rows = {}
    for channel in ("sms", "wechat", "email"):
        rows["service", channel] = MessageTemplate.objects.create(
            code="service_due", channel=channel, purpose="service", name="保养提醒", body=SERVICE_BODY, subject="保养提醒"
        )
        rows["marketing", channel] = MessageTemplate.objects.create(
            code="winter_check",
            channel=channel,
            purpose="marketing",
            name="冬季检测",
            body=MARKETING_BODY,
            subject="冬季检测",
            provider_template_id="TPL-WINTER" if channel == "wechat" else "",
        )
    return rows


def grant(user, customer, purpose: str, granted: bool = True):
    consent_record(user=user, customer=customer, purpose=purpose, granted=granted, source="测试")


def queue(customer, key: str, *, purpose: str = "service", channel: str = "sms", **extra):
    """One message for the customer with the test templates' variables."""
    service = purpose == "service"
    return message_queue(
        store_id=customer.store_id,
        customer=customer,
        channel=channel,
        purpose=purpose,
        template_code="service_due" if service else "winter_check",
        variables={"plate": "粤BD12345", "due_date": dt.date(2026, 12, 1)} if service else {},
        idempotency_key=key,
        **extra,
    )


class FakeGateway:
    """An SMS/WeChat gateway on a random local port. Like real gateways it drops a repeat of an
    Idempotency-Key (answering with the first id), so `delivered` is what customers' phones got."""

    def __init__(self):
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}
        self.fail_with: int | None = None
        self.answer: dict = {}
        self.port = _free_port()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def start(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def receive(self, headers: dict, raw: bytes) -> tuple[int, dict]:
        self.requests.append({"headers": headers, "raw": raw, "json": json.loads(raw)})
        if self.fail_with:
            return self.fail_with, {"error": "unavailable"}
        key = headers["Idempotency-Key"]
        self.delivered.setdefault(key, json.loads(raw))
        return 200, {"id": f"gw-{list(self.delivered).index(key)}", **self.answer}


def _handler(gateway: FakeGateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            status, answer = gateway.receive(dict(self.headers), raw)
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gateway(settings):
    """The fake gateway, wired as the SMS and the WeChat backend."""
    fake = FakeGateway()
    fake.start()
    settings.MESSAGING_SMS_BACKEND = settings.MESSAGING_WECHAT_BACKEND = "http"
    settings.MESSAGING_SMS_URL = settings.MESSAGING_WECHAT_URL = fake.url
    settings.MESSAGING_HTTP_TIMEOUT = 2
    yield fake
    if fake.server is not None:
        fake.stop()


class MailSink:
    """aiosmtpd handler keeping every e-mail; `refuse` answers RCPT with that SMTP reply."""

    def __init__(self):
        self.envelopes = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), wired as the e-mail backend."""
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MESSAGING_EMAIL_BACKEND = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    yield sink
    controller.stop()
