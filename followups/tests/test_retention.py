"""DOMAIN §8: lost customers (3 months past the due service) and churn risk (two consecutive
missed services) go on the win-back list with one call task, however often the job runs."""

import datetime as dt

from conftest import api_client_for
from core.jobs import JOBS_BY_NAME
from followups.models import MissedService, WinBack
from followups.retention import months_before, retention_run_day
from followups.selectors import retention_measures
from tasks.models import Task
from vehicles.models import Vehicle

DAY = dt.date(2025, 6, 30)


def _due(vehicle, due_on, cycle=1):
    Vehicle.objects.filter(pk=vehicle.pk).update(service_due_on=due_on, service_cycle=cycle)


def test_months_before_clamps_to_the_month_end():
    assert months_before(dt.date(2025, 5, 31), 3) == dt.date(2025, 2, 28)


def test_a_vehicle_more_than_three_months_past_due_is_lost_once(vehicle_a):
    _due(vehicle_a, dt.date(2025, 3, 29))
    assert JOBS_BY_NAME["followups.retention"].call(DAY) == {"missed": 1, "win_backs": 1, "tasks": 1}
    assert retention_run_day(day=DAY) == {"missed": 0, "win_backs": 0, "tasks": 0}
    assert WinBack.objects.get().reason == "lost"
    assert Task.objects.get().source_key == f"win_back:{vehicle_a.pk}:1"


def test_a_vehicle_recently_due_is_neither_missed_nor_lost(vehicle_a):
    _due(vehicle_a, dt.date(2025, 6, 1))
    assert retention_run_day(day=DAY) == {"missed": 0, "win_backs": 0, "tasks": 0}


def test_two_consecutive_missed_services_are_a_churn_risk(vehicle_a, advisor_alice):
    MissedService.objects.create(
        store_id=vehicle_a.store_id, vehicle=vehicle_a, customer_id=vehicle_a.owner_id, cycle=1, due_on=DAY, detected_on=DAY
    )
    _due(vehicle_a, dt.date(2025, 5, 1), cycle=2)  # came late once, now overdue again
    retention_run_day(day=DAY)
    assert list(WinBack.objects.values_list("reason", "cycle")) == [("churn_risk", 2)]
    Vehicle.objects.filter(pk=vehicle_a.pk).update(service_cycle=3)  # the customer came back
    measures = retention_measures(user=advisor_alice)
    assert (measures["churn_risk"], measures["win_back_rate"]) == (1, 100.0)
    assert api_client_for(advisor_alice).get("/api/follow-ups/retention").json()["lost"] == 0
