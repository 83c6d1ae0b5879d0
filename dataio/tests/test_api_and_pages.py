import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from conftest import api_client_for
from customers.models import Customer
from dataio.models import ImportBatch
from dataio.tests.conftest import csv_bytes
from dataio.tests.test_import import ROWS


def upload(client, data=None, name="dms.csv"):
    file = SimpleUploadedFile(name, csv_bytes(ROWS) if data is None else data, content_type="text/csv")
    return client.post("/api/imports", {"file": file, "kind": "customers"})


@pytest.mark.django_db
def test_api_upload_check_commit_and_report(manager_a):
    client = api_client_for(manager_a)
    response = upload(client)
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["mapping"]["name"] == "客户姓名" and batch["total_rows"] == 3
    response = client.post(f"/api/imports/{batch['id']}/check", {"mapping": batch["mapping"]}, content_type="application/json")
    assert response.status_code == 202 and response.json()["status"] == "checked" and response.json()["can_commit"]
    response = client.post(f"/api/imports/{batch['id']}/commit")
    assert response.status_code == 202 and response.json()["status"] == "done"
    assert response.json()["counts"]["customers_new"] == 2
    assert client.get(f"/api/imports/{batch['id']}").json()["percent"] == 100
    assert client.get("/api/imports").json()["count"] == 1
    report = client.get(f"/api/imports/{batch['id']}/report.csv")
    assert report.status_code == 200 and report.content.decode("utf-8-sig").startswith("行号,列,级别,说明")


@pytest.mark.django_db
def test_api_errors_are_4xx_with_field_messages(manager_a, manager_b, advisor_alice):
    client = api_client_for(manager_a)
    assert upload(client, data=b"").status_code == 422
    batch = upload(client).json()
    response = client.post(f"/api/imports/{batch['id']}/check", {"mapping": {"name": "nope"}}, content_type="application/json")
    assert response.status_code == 422 and set(response.json()["errors"]) >= {"name", "mobile"}
    assert client.post(f"/api/imports/{batch['id']}/commit").status_code == 409
    assert api_client_for(manager_b).get(f"/api/imports/{batch['id']}").status_code == 404
    assert upload(api_client_for(advisor_alice)).status_code == 403


@pytest.mark.django_db
def test_pages_upload_mapping_dry_run_and_commit(manager_a, advisor_alice):
    client = Client()
    client.force_login(manager_a)
    assert client.get("/dataio/").status_code == 200
    response = client.post("/dataio/", {"kind": "customers", "file": SimpleUploadedFile("dms.csv", csv_bytes(ROWS))})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response.url)
    assert page.status_code == 200 and "列对应" in page.content.decode()
    response = client.post(f"/dataio/imports/{batch.pk}/check/", batch.mapping)
    assert response.status_code == 302
    page = client.get(f"/dataio/imports/{batch.pk}/").content.decode()
    assert "校验报告" in page and "确认导入" in page
    progress = client.get(f"/dataio/imports/{batch.pk}/progress/")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert client.post(f"/dataio/imports/{batch.pk}/commit/").status_code == 302
    assert "导入结果" in client.get(f"/dataio/imports/{batch.pk}/").content.decode()
    assert Customer.objects.count() == 2
    bad = client.post(f"/dataio/imports/{batch.pk}/check/", {"name": "客户姓名"})
    assert bad.status_code == 422
    client.force_login(advisor_alice)
    assert client.get("/dataio/").status_code == 403
    assert client.get(f"/dataio/imports/{batch.pk}/").status_code == 403


@pytest.mark.django_db
def test_import_customers_command(store_a, tmp_path):
    data, mapping = tmp_path / "dms.csv", tmp_path / "mapping.json"
    data.write_bytes(csv_bytes(ROWS, "gbk"))
    mapping.write_text(json.dumps({"name": "客户姓名", "mobile": "联系电话"}, ensure_ascii=False), encoding="utf-8")
    call_command("import_customers", str(data), "--store", store_a.code, "--mapping", str(mapping), "--dry-run")
    assert Customer.objects.count() == 0
    call_command("import_customers", str(data), "--store", store_a.code, "--mapping", str(mapping))
    assert Customer.objects.filter(store=store_a).count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["客户姓名", "联系电话"], ["王五", "123"]]))
    with pytest.raises(CommandError):
        call_command("import_customers", str(bad), "--store", store_a.code)
    assert (tmp_path / "bad.csv.errors.csv").read_bytes().decode("utf-8-sig").count("\n") == 2


@pytest.mark.django_db
def test_another_stores_batch_is_404_on_pages_and_api(manager_a, manager_b):
    client = api_client_for(manager_a)
    batch_id = upload(client).json()["id"]
    other = api_client_for(manager_b)
    assert other.get(f"/api/imports/{batch_id}/report.csv").status_code == 404
    assert other.post(f"/api/imports/{batch_id}/commit").status_code == 404
    browser = Client()
    browser.force_login(manager_b)
    for suffix in ("", "progress/", "report.csv"):
        assert browser.get(f"/dataio/imports/{batch_id}/{suffix}").status_code == 404
    for suffix in ("check/", "commit/"):
        assert browser.post(f"/dataio/imports/{batch_id}/{suffix}", {}).status_code == 404
