import io

import pytest
from openpyxl import Workbook

from accounts.models import Role
from conftest import make_user


@pytest.fixture
def manager_a(group, store_a):
    return make_user("manager-a", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def manager_b(group, store_b):
    return make_user("manager-b", Role.STORE_MANAGER, group, [store_b])


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\n".join(",".join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows: list[list], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HEADER = [
    "客户姓名",
    "联系电话",
    "性别",
    "生日",
    "车架号",
    "车牌号",
    "品牌",
    "车型",
    "燃料类型",
    "购车日期",
    "当前里程",
    "里程日期",
]
GOOD_VIN = "1M8GDM9AXKP042788"
OTHER_VIN = "LSVAB2BM4KN000001"
