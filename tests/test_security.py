"""Login protection, tokens, headers, CSP, PII-free logs and the deploy check."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from conftest import api_client_for
from core.logging import RedactPersonalData, redact

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def token_call(client, username, password):
    return client.post(
        "/api/auth/token", json.dumps({"username": username, "password": password}), content_type="application/json"
    )


def test_five_failures_lock_the_account_even_for_the_right_password(client, advisor_alice):
    assert [token_call(client, "alice", "wrong").status_code for _ in range(5)] == [401] * 4 + [429]
    locked = token_call(client, "alice", "pw-secret-1")
    assert locked.status_code == 429 and "锁定" in locked.json()["detail"]


def test_the_login_page_locks_out_too(client, advisor_alice):
    for _ in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": "pw-secret-1"})
    assert "已暂时锁定" in response.content.decode()


def test_the_token_endpoint_is_rate_limited_per_address(client, db):
    statuses = [token_call(client, f"nobody{i}", "x").status_code for i in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429


def test_a_revoked_token_stops_working(advisor_alice):
    client = api_client_for(advisor_alice)
    assert client.get("/api/auth/me").status_code == 200
    assert client.delete("/api/auth/token").status_code == 204
    assert client.get("/api/auth/me").status_code == 401


def test_a_disabled_account_loses_its_session_and_tokens(client, advisor_alice):
    client.force_login(advisor_alice)
    api = api_client_for(advisor_alice)
    advisor_alice.is_active = False
    advisor_alice.save()
    assert client.get("/customers/").status_code == 302
    assert api.get("/api/auth/me").status_code == 401


def test_sessions_expire_when_idle_and_rotate_on_login(client, advisor_alice, settings):
    assert settings.SESSION_COOKIE_AGE <= 3600 and settings.SESSION_TOUCH_SECONDS <= 60
    assert "core.middleware.SessionIdleTimeoutMiddleware" in settings.MIDDLEWARE
    client.get("/login/")
    before = client.cookies.get("sessionid")
    client.post("/login/", {"username": "alice", "password": "pw-secret-1"})
    assert client.cookies["sessionid"].value != (before.value if before else None)


def test_personal_pages_and_api_answers_are_not_cached(client, advisor_alice, customer_a):
    client.force_login(advisor_alice)
    for response in (
        client.get(f"/customers/{customer_a.id}/"),
        api_client_for(advisor_alice).get(f"/api/customers/{customer_a.id}"),
    ):
        assert "no-store" in response["Cache-Control"]


def test_pages_send_a_csp_without_inline_script(client, advisor_alice, customer_a, vehicle_a):
    client.force_login(advisor_alice)
    for url in ("/customers/", f"/customers/{customer_a.id}/", "/customers/new/", "/login/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        inline = [
            tag
            for tag in re.findall(r"<script\b[^>]*>", response.content.decode())
            if "src=" not in tag and "application/json" not in tag
        ]
        assert inline == [], url


def test_logs_carry_no_mobiles_ids_vins_or_query_strings():
    line = "GET /api/customers?q=13812341234 id 44010619900101123X vin 1M8GDM9AXKP042788 +8613900001111"
    cleaned = redact(line)
    for secret in ("13812341234", "44010619900101123X", "1M8GDM9AXKP042788", "13900001111"):
        assert secret not in cleaned
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" 200', ("GET /customers/?q=粤B12345 HTTP/1.1",), None
    )
    RedactPersonalData().filter(record)
    assert "粤B12345" not in record.getMessage()


def test_the_deploy_check_is_clean_with_production_settings():
    env = {
        **os.environ,
        "HTTPS": "1",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-prod-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "ALLOWED_HOSTS": "pitstop.example.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_activity_extends_the_session_at_most_once_a_minute(client, advisor_alice):
    from django.contrib.sessions.models import Session

    from core.middleware import TOUCHED_KEY

    client.post("/login/", {"username": "alice", "password": "pw-secret-1"})
    key = client.cookies["sessionid"].value
    client.get("/customers/")
    first = Session.objects.get(pk=key).expire_date
    client.get("/customers/")  # seconds later: the session row is not written again
    assert Session.objects.get(pk=key).expire_date == first
    session = client.session
    session[TOUCHED_KEY] -= 61  # the last touch a minute ago
    session.save()
    saved = Session.objects.get(pk=key).expire_date
    client.get("/customers/")
    assert Session.objects.get(pk=key).expire_date > saved


def test_the_red_alert_poll_does_not_keep_an_idle_session_alive(client, advisor_alice):
    from django.contrib.sessions.models import Session
    from django.urls import reverse

    from core.middleware import TOUCHED_KEY

    client.post("/login/", {"username": "alice", "password": "pw-secret-1"})
    key = client.cookies["sessionid"].value
    session = client.session
    session[TOUCHED_KEY] -= 61
    session.save()
    saved = Session.objects.get(pk=key).expire_date
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_POLL": "1"}
    assert client.get(reverse("complaints:red_alert_banner"), **poll).status_code == 200
    assert Session.objects.get(pk=key).expire_date == saved  # an open tab is not activity
    client.get("/customers/")
    assert Session.objects.get(pk=key).expire_date > saved


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_the_login(client, advisor_alice, customer_a):
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver/customers/{customer_a.pk}/"}
    response = client.get(f"/workshop/customers/{customer_a.pk}/card/", **htmx)
    assert response.status_code == 200 and response["HX-Redirect"] == f"/login/?next=%2Fcustomers%2F{customer_a.pk}%2F"
    assert client.get("/customers/").status_code == 302  # an ordinary page still redirects
