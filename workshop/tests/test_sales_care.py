"""DOMAIN §11: when a customer arrives for service, their salesperson gets a care-call task — once."""

from accounts.models import Role
from conftest import make_user
from tasks.models import Task
from workshop.tests.conftest import open_order


def test_opening_an_order_asks_the_customers_salesperson_to_call(advisor_alice, vehicle_a, group, store_a):
    salesperson = make_user("sally", Role.SALESPERSON, group, [store_a])
    vehicle_a.salesperson = salesperson
    vehicle_a.save(update_fields=["salesperson"])

    order = open_order(advisor_alice, vehicle_a)

    task = Task.objects.get(kind="sales_care_call")
    assert (task.assignee, task.customer_id, task.source_key) == (
        salesperson,
        order.customer_id,
        f"sales_care:repair_order:{order.pk}",
    )


def test_no_salesperson_no_task(advisor_alice, vehicle_a):
    open_order(advisor_alice, vehicle_a)
    assert not Task.objects.filter(kind="sales_care_call").exists()
