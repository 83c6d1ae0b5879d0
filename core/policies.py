"""Configurable numbers of the brief: defaults here, per-store overrides in StoreSetting.

DOMAIN.md: "Where this brief gives a number, that number is a configurable default (per store,
in the database, editable by a manager), not a constant in code."
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    key: str
    default: int | float | str
    label: str


POLICIES = {
    p.key: p
    for p in [
        Policy("odometer.max_km_per_day", 2000, "里程单日最大合理增量（公里/天），超过则标记异常"),
        Policy("odometer.default_km_per_day", 40, "无里程历史时的默认日均行驶里程（公里/天）"),
        Policy("ev.soh_alert_percent", 80, "电池健康度（SOH）低于该值时生成跟进任务（%）"),
        Policy("privacy.request_due_days", 15, "个人信息权利请求办理期限（天）"),
        Policy("privacy.retention_years", 3, "客户无往来后个人信息保留年限（年），期满自动匿名化"),
        Policy("privacy.guardian_age", 14, "需监护人同意的年龄（未满该年龄）"),
        Policy("privacy.inbound_retention_days", 180, "客户短信回复（含手机号）保留天数"),
        Policy("consent.text_version", "2026-01", "当前授权文本版本"),
        Policy("messaging.quiet_hours_start", 21, "免打扰开始时间（点，0–23），期间消息延后到结束时发送"),
        Policy("messaging.quiet_hours_end", 8, "免打扰结束时间（点，0–23）"),
        Policy("messaging.marketing_cap", 4, "每位客户营销消息频次上限（条）"),
        Policy("messaging.marketing_cap_days", 7, "营销消息频次统计周期（天）"),
    ]
}


def policy_value(store_id: int | None, key: str):
    """The store's value for a configurable number, or the brief's default."""
    from core.models import StoreSetting

    policy = POLICIES[key]
    if store_id is not None:
        value = StoreSetting.objects.filter(store_id=store_id, key=key).values_list("value", flat=True).first()
        if value is not None:
            return type(policy.default)(value)
    return policy.default
