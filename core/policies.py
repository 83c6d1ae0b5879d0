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
        Policy("sla.working_hours_only", 0, "服务时限按营业时间和法定工作日计算（1 是；0 否，按自然时间）"),
        Policy("sla.opens_at", "08:30", "门店默认营业开始时间（HH:MM，未按星期设置营业时间时使用）"),
        Policy("sla.closes_at", "18:00", "门店默认营业结束时间（HH:MM）"),
        Policy("contacts.online_response_minutes", 15, "在线消息（网站、App、微信）响应时限（分钟）"),
        Policy("contacts.phone_answer_seconds", 30, "来电接听时限（秒）"),
        Policy("contacts.walk_in_register_minutes", 3, "到店客户基本信息登记时限（分钟）"),
        Policy("contacts.social_response_minutes", 120, "社交媒体投诉首次公开回应时限（分钟）"),
        Policy("contacts.warning_minutes", 15, "接待请求超时前预警（分钟，最多为时限的一半）"),
        Policy("complaints.respond_hours", 24, "投诉首次响应时限（小时）"),
        Policy("complaints.close_hours", 48, "投诉结案时限（小时）"),
        Policy("complaints.on_time_target_percent", 95, "投诉按时响应率、按时结案率目标（%）"),
        Policy("complaints.warning_minutes", 120, "投诉超时前预警（分钟）"),
        Policy("complaints.l1_hours", 24, "L1 一线处理时限（小时），超时自动升级 L2"),
        Policy("complaints.l2_hours", 48, "L2 部门经理处理时限（小时），超时自动升级 L3"),
        Policy("complaints.l3_hours", 72, "L3 高层管理处理时限（小时）"),
        Policy("complaints.l1_max_yuan", 200, "L1 可给予的补偿上限（元，如洗车券）"),
        Policy("complaints.l2_max_yuan", 2000, "L2 可给予的补偿上限（元，如费用减免）"),
        Policy("complaints.l3_max_yuan", 50000, "L3 可给予的补偿上限（元，如全额退款、重大补偿）"),
        Policy("complaints.joint_solution_hours", 24, "联合小组（销售、售后、质量）提交联合方案时限（小时）"),
        Policy("followups.due_days", 3, "到店后首次回访时间（天）"),
        Policy("followups.window_days", 7, "回访窗口截止（到店后天数）"),
        Policy("followups.max_attempts", 3, "回访联系不上时最多尝试次数"),
        Policy("surveys.low_score", 6, "调查评分不高于该值时自动立案投诉（1–10）"),
        Policy("surveys.link_valid_days", 14, "调查链接有效期（天）"),
        Policy("retention.catch_up_days", 30, "流失判定每晚回看的天数（任务停运超过该天数需手工补跑）"),
        Policy("retention.lost_months", 3, "超过保养到期日该月数仍未回店，视为流失客户（月）"),
        Policy("retention.grace_days", 30, "超过保养到期日该天数未回店，记为一次未按期保养（天）"),
        Policy("surveys.link_base_url", "https://pitstop.example.cn", "调查链接的网址前缀（客户手机上打开）"),
        # appointments: add this module's policies below this line
        # workshop: add this module's policies below this line
        # showroom: add this module's policies below this line
        # handover: add this module's policies below this line
        # leads: add this module's policies below this line
        # loyalty: add this module's policies below this line
        # kpis: add this module's policies below this line
        # dataio: add this module's policies below this line
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
