"""A store manager opens the dashboard in Debian's Chromium and sees the trend chart drawn."""

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from kpis.models import KpiDaily

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts(live_server, browser_page, group, store_a):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    today = timezone.localdate()
    KpiDaily.objects.create(kpi="satisfaction", store=store_a, day=today, numerator=880, denominator=10)

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/kpis/?period=month&kpi=satisfaction")
    card = page.locator(".kpi-card", has_text="联合服务满意度")
    assert "88.0" in card.inner_text()
    assert "kpi-below" in card.get_attribute("class")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('kpi-trend'))")
    points = page.evaluate(
        "() => Chart.getChart(document.getElementById('kpi-trend')).data.datasets[0].data.filter(v => v !== null)"
    )
    assert points == [88]
