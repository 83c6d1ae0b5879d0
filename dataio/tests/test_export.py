import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import api_client_for
from privacy.models import AccessLog


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_customer_export_is_masked_by_default_and_not_logged(manager_a, customer_a, customer_b):
    response = api_client_for(manager_a).get("/api/exports?list=customers&format=csv")
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows[0][:3] == ["客户编号", "姓名", "手机号"]
    assert [r[1] for r in rows[1:]] == ["张三"]  # store A only
    assert rows[1][2] == "138****1234"
    assert AccessLog.objects.count() == 0


@pytest.mark.django_db
def test_revealed_export_needs_a_reason_and_logs_every_customer(manager_a, customer_a):
    client = api_client_for(manager_a)
    assert client.get("/api/exports?list=customers&reveal=true").status_code == 422
    response = client.get("/api/exports?list=customers&reveal=true&reason=迁移到新系统")
    assert rows_of(response)[1][2] == "+8613812341234"
    log = AccessLog.objects.get()
    assert (log.customer_id, log.action, log.reason, log.actor_id) == (customer_a.id, "export", "迁移到新系统", manager_a.id)


@pytest.mark.django_db
def test_xlsx_vehicles_export_and_permissions(manager_a, advisor_alice, vehicle_a):
    response = api_client_for(manager_a).get("/api/exports?list=vehicles&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    values = list(sheet.values)
    assert values[0][0] == "车牌" and values[1][0] == "粤BD12345" and values[1][6] == "138****1234"
    assert api_client_for(advisor_alice).get("/api/exports?list=vehicles").status_code == 403
    assert api_client_for(manager_a).get("/api/exports?list=nothing").status_code == 422
    assert api_client_for(manager_a).get("/api/exports?list=reminders&format=csv").status_code == 200
    assert api_client_for(manager_a).get("/api/exports?list=orders&format=xlsx").status_code == 200


@pytest.mark.django_db
def test_export_page(manager_a, advisor_alice, customer_a):
    client = Client()
    client.force_login(manager_a)
    assert client.get("/dataio/exports/?list=vehicles").status_code == 200
    response = client.get("/dataio/exports/", {"download": "1", "list": "customers", "format": "csv"})
    assert response.status_code == 200 and rows_of(response)[1][1] == "张三"
    missing_reason = client.get("/dataio/exports/", {"download": "1", "list": "customers", "format": "csv", "reveal": "on"})
    assert missing_reason.status_code == 422
    client.force_login(advisor_alice)
    assert client.get("/dataio/exports/").status_code == 403
