"""In Debian's Chromium: a walk-in at the door → registered on the 3-minute clock → quote → printed."""

import pytest
from playwright.sync_api import expect

from showroom.models import Quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_walk_in_prospect_gets_a_printed_quote(live_server, browser_page, sales_sam, song, tech_pack):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", "pw-secret-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/customers/")

    page.goto(f"{live_server.url}/showroom/reception/")
    page.fill("input[name=visitor_label]", "一家三口")
    page.click("[data-testid=walk-in-arrive]")
    clock = page.locator("[data-testid=register-clock][data-clock-live]")
    clock.wait_for()
    assert clock.inner_text().startswith("剩余 00:0")

    form = page.locator("form.sr-register").first
    form.locator("input[name$=name]").fill("刘芳")
    form.locator("input[name$=mobile]").fill("13700001002")
    expect(form.locator("[data-testid=hidden-identity]")).to_contain_text("不是本店已有客户")
    form.locator("input[name$=main_need]").fill("家用 SUV，关注油耗")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/showroom/prospects/*/")
    expect(page.locator("[data-testid=prospect-status]")).to_have_text("已到店")

    page.click("text=出具报价单")
    page.wait_for_url("**/quotes/new/")
    page.select_option("select[name=car_model_id]", str(song.id))
    page.check(f"input[name=package_ids][value='{tech_pack.id}']")
    page.select_option("select[name=promise0_kind]", "gift")
    page.fill("input[name=promise0_description]", "全车脚垫")
    page.fill("input[name=promise0_value]", "300")
    page.click("main button[type=submit]")
    page.wait_for_url("**/showroom/quotes/*/")

    expect(page.locator("[data-testid=quote-total]")).to_have_text("168600.00")
    expect(page.locator("[data-testid=quote-promises]")).to_contain_text("全车脚垫")
    page.emulate_media(media="print")
    assert page.locator(".sidenav").is_hidden() and page.locator("[data-testid=quote]").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    quote = Quote.objects.get()
    assert quote.prospect.status == "quote" and quote.prospect.source == "walk_in"
