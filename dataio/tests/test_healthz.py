import pytest


@pytest.mark.django_db
def test_healthz_checks_database_and_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "not configured"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["broker"] == "error"
