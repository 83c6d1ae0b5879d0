import pytest
from django.db import connection

from customers.selectors import customer_search, search_keys


@pytest.fixture
def archive(advisor_alice, advisor_bob, customer_a, vehicle_a, customer_b):
    return customer_a


@pytest.mark.parametrize(
    "q",
    [
        "13812341234",
        "+86 138 1234 1234",
        "1234",
        "粤BD12345",
        "粤b·d12345",
        "粤B D12345",
        "1M8GDM9AXKP042788",
        "1m8gdm9axkp042788",
        "042788",
        "张三",
        "zhangsan",
        "ZhangSan",
        "zs",
    ],
)
def test_it_finds_the_customer_by_every_kind_of_key(archive, advisor_alice, q):
    assert [c.id for c in customer_search(user=advisor_alice, q=q)] == [archive.id]


def test_a_surname_that_is_also_a_province_is_still_a_name(advisor_alice):
    from customers.services import customer_create

    su = customer_create(user=advisor_alice, name="苏伟", mobile="13700000001")
    assert [c.id for c in customer_search(user=advisor_alice, q="苏伟")] == [su.id]


def test_it_never_returns_another_stores_customer(archive, advisor_bob):
    assert customer_search(user=advisor_bob, q="张三") == []
    assert customer_search(user=advisor_bob, q="粤BD12345") == []
    assert [c.name for c in customer_search(user=advisor_bob, q="lisi")] == ["李四"]


def test_a_group_admin_searches_every_store(archive, group_admin):
    assert {c.name for c in customer_search(user=group_admin, q="13812341234")} == {"张三"}
    assert len(customer_search(user=group_admin, q="ls")) == 1


@pytest.mark.parametrize("q", ["", "   ", "%", "' OR 1=1 --", "x" * 500, "张"])
def test_odd_queries_return_nothing_rather_than_failing(archive, advisor_alice, q):
    assert customer_search(user=advisor_alice, q=q) == []


def test_every_search_key_is_an_indexed_equality(archive, advisor_alice):
    """No LIKE '%…%' scans: each key becomes an index lookup (checked in the plan)."""
    from core.scoping import scoped

    samples = ["13812341234", "1234", "粤BD12345", "1M8GDM9AXKP042788", "042788", "张三", "zhangsan"]
    for q in samples:
        for key in search_keys(q):
            queryset = scoped(key.model.objects, advisor_alice).filter(**{key.field: key.value}).values_list(key.customer_field)
            sql, params = queryset.query.sql_with_params()
            assert " LIKE " not in sql.upper()
            assert _uses_index(sql, params), f"{key} is not served by an index"


def _uses_index(sql: str, params) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            return "USING INDEX" in plan or "USING COVERING INDEX" in plan
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        return "Index" in plan and "Seq Scan" not in plan
