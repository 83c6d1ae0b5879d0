"""Personas and clients shared by every app's tests: alice works in store A, bob in store B."""

import datetime as dt
import shutil

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test import Client

from accounts.models import ApiToken, DealerGroup, Role, Store, User
from customers.services import customer_create
from vehicles.services import vehicle_create


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Ids repeat across rolled-back tests: no cached store access may leak from one to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def group(db):
    return DealerGroup.objects.create(name="测试集团")


@pytest.fixture
def store_a(group):
    return Store.objects.create(group=group, code="A01", name="A店")


@pytest.fixture
def store_b(group):
    return Store.objects.create(group=group, code="B01", name="B店")


def make_user(username: str, role: str, group, stores) -> User:
    user = User.objects.create_user(username=username, password="pw-secret-1", role=role, dealer_group=group)
    user.stores.set(stores)
    return user


@pytest.fixture
def advisor_alice(group, store_a):
    return make_user("alice", Role.ADVISOR, group, [store_a])


@pytest.fixture
def advisor_bob(group, store_b):
    return make_user("bob", Role.ADVISOR, group, [store_b])


@pytest.fixture
def group_admin(group, store_a, store_b):
    return make_user("root", Role.GROUP_ADMIN, group, [])


def api_client_for(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}")


@pytest.fixture
def api_alice(advisor_alice):
    return api_client_for(advisor_alice)


@pytest.fixture
def api_bob(advisor_bob):
    return api_client_for(advisor_bob)


@pytest.fixture
def customer_a(advisor_alice):
    return customer_create(user=advisor_alice, name="张三", mobile="13812341234")


@pytest.fixture
def customer_b(advisor_bob):
    return customer_create(user=advisor_bob, name="李四", mobile="13998769876")


BAD_CHECK_DIGIT_VIN = "LSVAB2BM5KN000001"  # position 9 should be 4: accepted with a warning
GOOD_VIN = "1M8GDM9AXKP042788"  # the textbook ISO 3779 example with a correct check digit


@pytest.fixture
def vehicle_a(advisor_alice, customer_a):
    vehicle, _ = vehicle_create(
        user=advisor_alice,
        owner=customer_a,
        vin=GOOD_VIN,
        plate="粤B·D12345",
        brand="比亚迪",
        model="汉EV",
        powertrain="bev",
        purchase_date=dt.date(2024, 3, 1),
    )
    return vehicle


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class _SerialWSGIServer(WSGIServer):
    """Django's live-server WSGI server without request threads (it sends `Connection: close`)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_in_memory_sqlite():
    """Django hands the live server the tests' one in-memory SQLite connection. Its threaded server
    would use that connection from several threads at once — the 360 page loads its cards in
    parallel — and fail with "cannot start a transaction within a transaction". One request at a
    time there; PostgreSQL keeps the threaded server (a connection per thread)."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = _SerialWSGIServer
    yield


@pytest.fixture
def browser_page(monkeypatch):
    """A page in Debian's Chromium driven by Playwright (no browser download: the machine's own)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="zh-CN")
        yield page
        browser.close()
