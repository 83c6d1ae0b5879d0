import importlib.util
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from core.seed import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    ensure_demo_accounts,
    ensure_organisation,
    ensure_reminder_setup,
    seed_customers,
)
from customers.models import Customer


class Command(BaseCommand):
    help = "Create the demo dealer group, stores, one login per role and N customers with vehicles."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000, help="how many customers to add (default 2000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed, for repeatable data")
        parser.add_argument("--if-empty", action="store_true", help="add customers only when there are none yet")

    def handle(self, *args, customers: int, seed: int, if_empty: bool, **options):
        if customers < 0:
            raise CommandError("--customers must be 0 or more")
        started = time.monotonic()
        stores = ensure_organisation()
        users = ensure_demo_accounts(stores)
        ensure_reminder_setup(stores)
        if if_empty and Customer.objects.exists():
            self.stdout.write("已有客户数据，跳过生成。")
        elif customers:
            seed_customers(stores, customers, seed=seed, staff=users)
            self.stdout.write(f"已生成 {customers:,} 位客户及其车辆，用时 {time.monotonic() - started:.1f} 秒。")
        self._seed_modules(stores, users)
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, store_code, display in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role.label:<6} {store_code or '全部门店'}  {display}")

    def _seed_modules(self, stores, users):
        """Each module with a `seed.py` adds its own demo data (bays, orders, prospects…), idempotently."""
        for app in apps.get_app_configs():
            if app.name.startswith("django") or importlib.util.find_spec(f"{app.name}.seed") is None:
                continue
            module = importlib.import_module(f"{app.name}.seed")
            if hasattr(module, "seed_demo"):
                module.seed_demo(stores=stores, users=users)
