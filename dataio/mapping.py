"""What an import can fill (targets), the column names other DMSs use for them, and the check of
a user's mapping {target: file column}."""

from dataclasses import dataclass

from core.errors import InvalidInput
from dataio.models import ImportKind


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


CUSTOMER_TARGETS = [
    Target("name", "客户姓名", True, ("姓名", "客户姓名", "客户名称", "车主", "车主姓名", "name", "customer")),
    Target("mobile", "手机号", True, ("手机", "手机号", "手机号码", "联系电话", "电话", "移动电话", "mobile", "phone")),
    Target("extra_mobile", "备用手机号", False, ("备用手机", "备用手机号", "其他手机", "手机2", "第二手机")),
    Target("gender", "性别", False, ("性别", "gender", "sex")),
    Target("birthday", "生日", False, ("生日", "出生日期", "birthday")),
    Target("address", "地址", False, ("地址", "联系地址", "住址", "address")),
    Target("company", "单位", False, ("单位", "公司", "单位名称", "工作单位", "company")),
    Target("vin", "车架号（VIN）", False, ("车架号", "vin", "车辆识别代号", "底盘号", "车架号码")),
    Target("plate", "车牌号", False, ("车牌", "车牌号", "车牌号码", "plate")),
    Target("brand", "品牌", False, ("品牌", "brand", "厂牌")),
    Target("model", "车型", False, ("车型", "车系", "车型名称", "model")),
    Target("powertrain", "动力类型", False, ("动力类型", "燃料类型", "动力", "能源类型", "powertrain")),
    Target("purchase_date", "购车日期", False, ("购车日期", "购买日期", "开票日期", "purchase_date")),
    Target("delivery_date", "交车日期", False, ("交车日期", "交付日期", "delivery_date")),
    Target("odometer_km", "当前里程", False, ("当前里程", "里程", "行驶里程", "公里数", "odometer")),
    Target("odometer_read_on", "里程日期", False, ("里程日期", "里程读取日期", "最近进厂日期")),
]
# With a VIN the row also registers a vehicle: these must then be mapped too (Vehicle requires them).
VEHICLE_REQUIRED = ("model", "powertrain", "purchase_date")

HISTORY_TARGETS = [
    Target("vin", "车架号（VIN）", True, ("车架号", "vin", "车辆识别代号", "底盘号")),
    Target("read_on", "日期", True, ("日期", "进厂日期", "维修日期", "保养日期", "结算日期", "read_on")),
    Target("km", "里程", True, ("里程", "进厂里程", "公里数", "行驶里程", "km")),
    Target("visit_type", "业务类型", False, ("业务类型", "维修类型", "类型", "工单类型")),
    Target("summary", "内容", False, ("内容", "维修内容", "项目", "维修项目", "备注", "说明")),
    Target("is_meter_replacement", "更换仪表", False, ("更换仪表", "换表")),
]

TARGETS = {ImportKind.CUSTOMERS: CUSTOMER_TARGETS, ImportKind.HISTORY: HISTORY_TARGETS}


def targets_for(kind: str) -> list[Target]:
    return TARGETS[kind]


def _plain(text: str) -> str:
    return "".join(str(text).split()).lower()


def suggest_mapping(kind: str, header: list[str]) -> dict[str, str]:
    """The first file column whose name is a known synonym of each target."""
    by_name = {}
    for column in header:
        by_name.setdefault(_plain(column), column)
    suggestion = {}
    for target in targets_for(kind):
        for synonym in (target.key, target.label, *target.synonyms):
            if _plain(synonym) in by_name:
                suggestion[target.key] = by_name[_plain(synonym)]
                break
    return suggestion


def validate_mapping(kind: str, header: list[str], mapping: dict) -> dict[str, str]:
    """{target: column} with empty choices dropped; unknown targets or columns and missing required
    targets are field errors, keyed by target."""
    if not isinstance(mapping, dict):
        raise InvalidInput({"mapping": "列对应必须是 {目标字段: 文件列名} 的对象"})
    targets = {t.key: t for t in targets_for(kind)}
    chosen = {str(k): str(v).strip() for k, v in mapping.items() if v is not None and str(v).strip()}
    errors = {}
    for key, column in chosen.items():
        if key not in targets:
            errors[key] = "未知的目标字段"
        elif column not in header:
            errors[key] = f"文件中没有名为“{column}”的列"
    for target in targets.values():
        if target.required and target.key not in chosen:
            errors[target.key] = f"请为“{target.label}”选择对应的列"
    if kind == ImportKind.CUSTOMERS and "vin" in chosen:
        for key in VEHICLE_REQUIRED:
            if key not in chosen:
                errors[key] = f"导入车辆时请为“{targets[key].label}”选择对应的列"
    if errors:
        raise InvalidInput(errors, detail="列对应有误")
    return chosen
