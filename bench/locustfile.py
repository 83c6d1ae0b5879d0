"""Locust scenario of the load test (issue 11): staff at work on a 1M-customer archive.

Run through bench/load_test.py, which seeds the samples (LOAD_SAMPLES, a JSON file), starts the
production profile and reads the results. Per user: the search box (mobile last 4, plate typed
`粤a·…`, full pinyin, VIN last 6), the customer 360 page (HTML, session login), booking (slots,
then book; a slot taken meanwhile answers 409, a correct answer under concurrency), and the call
task mix (list my tasks, record an outcome). PingUser hits the bare /api/ping in the same run.
"""

import datetime as dt
import json
import os
import random

from locust import HttpUser, between, task

SAMPLES = json.loads(open(os.environ["LOAD_SAMPLES"], encoding="utf-8").read())  # noqa: SIM115
# Think time between a user's requests (LOAD_THINK="min,max" seconds): "staff" pace 1–3 s, or
# "stress" 0.05–0.2 s, which keeps the two cores saturated and measures the ceiling instead.
THINK = between(*(float(part) for part in os.environ.get("LOAD_THINK", "1,3").split(",")))
OUTCOMES = ["no_answer"] * 5 + ["call_back"] * 2 + ["booked", "not_interested", "wrong_number"]


class StaffUser(HttpUser):
    weight = 15
    wait_time = THINK

    def on_start(self):
        self.api = {"Authorization": f"Bearer {SAMPLES['token']}"}
        self.agent = {"Authorization": f"Bearer {SAMPLES['agent_token']}"}
        self.client.cookies.set("sessionid", SAMPLES["session"])

    def _customer(self) -> dict:
        return random.choice(SAMPLES["customers"])

    @task(8)
    def search(self):
        c = self._customer()
        q = random.choice([c["last4"], c["plate_typed"], c["pinyin"], c["vin6"]])
        self.client.get("/api/customers", params={"q": q}, headers=self.api, name="search /api/customers?q=")

    @task(4)
    def customer_360(self):
        self.client.get(f"/customers/{self._customer()['id']}/", name="customer 360 /customers/{id}/")

    @task(1)
    def booking(self):
        c = self._customer()
        day = (dt.date.today() + dt.timedelta(days=random.randint(1, 28))).isoformat()
        slots = self.client.get(
            "/api/appointments/slots", params={"date": day, "service_type": "maintenance"}, headers=self.api,
            name="booking: GET /api/appointments/slots",
        )  # fmt: skip
        free = slots.json().get("slots", []) if slots.ok else []
        if not free:
            return
        body = {"customer_id": c["id"], "vehicle_id": c["vehicle_id"], "service_type": "maintenance",
                "starts_at": random.choice(free)["starts_at"]}  # fmt: skip
        with self.client.post(
            "/api/appointments", json=body, headers=self.api, name="booking: POST /api/appointments", catch_response=True
        ) as response:
            if response.status_code in (201, 409):  # 409: the slot was just taken by another user
                response.success()

    @task(3)
    def task_outcome(self):
        tasks = self.client.get(
            "/api/tasks", params={"assignee": "me", "limit": 20}, headers=self.agent, name="tasks: GET /api/tasks"
        )
        items = [t for t in tasks.json().get("items", []) if t.get("status") == "open"] if tasks.ok else []
        if not items:
            return
        chosen = random.choice(items)
        with self.client.post(
            f"/api/tasks/{chosen['id']}/outcome", json={"outcome": random.choice(OUTCOMES), "notes": "压测"},
            headers=self.agent, name="tasks: POST /api/tasks/{id}/outcome", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code in (200, 409):  # 409: another user closed the same task first
                response.success()


class PingUser(HttpUser):
    weight = 1
    wait_time = THINK

    @task
    def ping(self):
        self.client.get("/api/ping", name="ping /api/ping")
