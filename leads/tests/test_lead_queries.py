"""PERFORMANCE.md: the work lists cost a fixed number of queries however many rows they show, and
the salesperson's list is read through its index."""

import pytest
from django.db import connection

from leads.selectors import lead_list
from leads.services import lead_record

pytestmark = pytest.mark.django_db


def _leads(user, customer, n):
    for i in range(n):
        lead_record(user=user, customer=customer, kind="referral", grade="B", description=f"线索{i}", source="call")


def test_the_list_page_costs_the_same_for_one_or_many_leads(client, advisor_alice, sams_customer, django_assert_max_num_queries):
    client.force_login(advisor_alice)
    _leads(advisor_alice, sams_customer, 1)
    with django_assert_max_num_queries(12) as one:
        client.get("/leads/?view=recorded")
    _leads(advisor_alice, sams_customer, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/leads/?view=recorded").content.decode().count("线索") >= 10


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan names the index; PostgreSQL plans depend on statistics")
def test_the_salespersons_list_uses_its_index(sales_sam):
    sql, params = lead_list(user=sales_sam, view="mine").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "lead_salesperson_list" in plan
