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
        Policy("appointments.slot_step_minutes", 30, "预约时段间隔（分钟），从营业开始时间起每隔该分钟提供一个时段"),
        Policy("appointments.min_notice_minutes", 60, "客户自助预约至少提前的时间（分钟）"),
        Policy("appointments.horizon_days", 30, "最多可预约多少天内的时段（天）"),
        Policy("appointments.open_on_public_holidays", 0, "法定节假日是否接受预约（1 是；0 否）"),
        Policy("appointments.no_show_grace_minutes", 30, "预约开始后超过该时间仍未到店记为爽约（分钟）"),
        Policy("appointments.code_valid_minutes", 10, "自助预约短信验证码有效期（分钟）"),
        Policy("appointments.code_max_attempts", 5, "自助预约验证码最多尝试次数"),
        Policy("appointments.codes_per_hour", 5, "同一手机号每小时最多发送验证码次数"),
        Policy("appointments.link_valid_days", 14, "自助预约链接有效期（天）"),
        Policy("appointments.link_base_url", "https://pitstop.example.cn", "自助预约链接的网址前缀（客户手机上打开）"),
        # workshop: add this module's policies below this line
        Policy("workshop.reception_minutes", 5, "车辆到店后完成接待的时限（分钟）"),
        Policy("workshop.recording_min_minutes", 10, "问题记录（问诊、环车检查）标准用时下限（分钟）"),
        Policy("workshop.recording_max_minutes", 15, "问题记录标准用时上限（分钟），超过视为超时"),
        Policy("workshop.plan_minutes", 30, "问题记录后完成诊断、方案与估价的时限（分钟）"),
        Policy("workshop.progress_interval_minutes", 120, "车辆在店期间向客户发送进度通知的最长间隔（分钟）"),
        Policy("workshop.apology_after_minutes", 15, "超过承诺完工时间该分钟数仍未完工，生成致歉任务"),
        Policy("workshop.late_progress_minutes", 30, "超过承诺时间后向客户发送进度通知的间隔（分钟）"),
        Policy("workshop.repeat_repair_days", 30, "同一车辆同一系统在该天数内再次进店维修，标记为返修（天）"),
        Policy("workshop.advice_remind_days", 90, "交车时的下次保养/维修建议默认在该天数后提醒（天）"),
        Policy("workshop.progress_link_days", 30, "客户进度查询链接有效期（天）"),
        # showroom: add this module's policies below this line
        Policy("showroom.test_drive_minutes", 30, "试驾默认时长（分钟）"),
        Policy("showroom.max_concerns", 3, "需求访谈：客户最关注的问题最多选几项"),
        Policy("showroom.quote_valid_days", 7, "报价单有效期（天）"),
        Policy("showroom.pdi_link_days", 30, "PDI 检查报告客户链接有效期（天）"),
        Policy("showroom.km_per_year", 15000, "用车成本测算：年行驶里程（公里）"),
        Policy("showroom.fuel_price_yuan", "8.00", "用车成本测算：油价（元/升）"),
        Policy("showroom.power_price_yuan", "0.60", "用车成本测算：电价（元/千瓦时）"),
        Policy(
            "showroom.after_sales_policy",
            "整车质保3年或10万公里（以先到者为准）；首次保养免工时费；24小时救援热线；保养、维修明码标价，先报价后施工。",
            "报价单默认售后政策",
        ),
        # handover: add this module's policies below this line
        Policy("handover.submit_hours", 24, "交车后销售提交《客户服务交接表》时限（小时）"),
        Policy("handover.confirm_hours", 24, "销售提交后售后专员确认交接表时限（小时）"),
        Policy("handover.first_use_days", 3, "交车后售后专员记录首次使用反馈时限（天）"),
        Policy("handover.accuracy_target_percent", 98, "交接信息准确率目标（%）"),
        Policy("handover.warning_minutes", 120, "交接表超时前预警（分钟）"),
        # leads: add this module's policies below this line
        Policy("leads.push_minutes", 60, "售后线索推送给销售顾问的时限（分钟）"),
        Policy("leads.follow_up_hours", 24, "销售顾问跟进售后线索的时限（小时），超时升级销售经理"),
        Policy("leads.warning_minutes", 60, "线索超时前预警（分钟）"),
        Policy("leads.conversion_target_percent", 30, "售后线索转化率目标（%）"),
        Policy("leads.bonus_per_won_yuan", 200, "每条成交线索给售后记录人的奖励（元）"),
        Policy("leads.care_call_hours", 24, "客户到店后其销售顾问完成关怀电话的时限（小时）"),
        Policy("leads.trade_in_years", 3, "购车满该年数时建议置换线索（年）"),
        Policy("leads.anniversary_window_days", 30, "购车周年前后该天数内列入置换建议（天）"),
        Policy("leads.complaint_lookback_days", 90, "近该天数内抱怨油耗/空间的投诉列入置换建议（天）"),
        # loyalty: add this module's policies below this line
        Policy("loyalty.tier_spend_window_months", 36, "会员等级：消费金额统计周期（月）"),
        Policy("loyalty.tier_visit_window_months", 12, "会员等级：维修保养到店次数统计周期（月）"),
        Policy("loyalty.silver_min_spend", 100000, "银卡：统计周期内消费金额达到（元，0 不按金额）"),
        Policy("loyalty.silver_min_visits", 2, "银卡：统计周期内到店维保次数达到（次，0 不按次数）"),
        Policy("loyalty.gold_min_spend", 250000, "金卡：统计周期内消费金额达到（元，0 不按金额）"),
        Policy("loyalty.gold_min_visits", 4, "金卡：统计周期内到店维保次数达到（次，0 不按次数）"),
        Policy("loyalty.platinum_min_spend", 500000, "白金卡：统计周期内消费金额达到（元，0 不按金额）"),
        Policy("loyalty.platinum_min_visits", 6, "白金卡：统计周期内到店维保次数达到（次，0 不按次数）"),
        Policy("loyalty.none_points_multiplier", 1.0, "普通会员积分倍数"),
        Policy("loyalty.silver_points_multiplier", 1.2, "银卡积分倍数"),
        Policy("loyalty.gold_points_multiplier", 1.5, "金卡积分倍数"),
        Policy("loyalty.platinum_points_multiplier", 2.0, "白金卡积分倍数"),
        Policy("loyalty.silver_priority_service", 0, "银卡优先服务（1 是；0 否）"),
        Policy("loyalty.gold_priority_service", 1, "金卡优先服务（1 是；0 否）"),
        Policy("loyalty.platinum_priority_service", 1, "白金卡优先服务及专属顾问（1 是；0 否）"),
        Policy("loyalty.silver_free_washes", 0, "银卡每年免费洗车次数"),
        Policy("loyalty.gold_free_washes", 1, "金卡每年免费洗车次数"),
        Policy("loyalty.platinum_free_washes", 2, "白金卡每年免费洗车次数"),
        Policy("loyalty.silver_birthday_gift", "生日祝福短信", "银卡生日礼遇（留空为无）"),
        Policy("loyalty.gold_birthday_gift", "生日蛋糕券", "金卡生日礼遇（留空为无）"),
        Policy("loyalty.platinum_birthday_gift", "生日礼盒及 24 小时道路救援", "白金卡生日礼遇（留空为无）"),
        Policy("loyalty.service_points_per_yuan", 1.0, "维修保养每消费 1 元积分（乘以等级倍数）"),
        Policy("loyalty.purchase_points_per_yuan", 0.01, "购车每 1 元积分（乘以等级倍数）"),
        Policy("loyalty.points_valid_months", 24, "积分有效期（月），到期按先进先出作废"),
        Policy(
            "loyalty.referral_reward_kind",
            "points",
            "推荐成交奖励形式（points 积分 / voucher 代金券 / fuel_card 加油卡 / service_coupon 保养券）",
        ),
        Policy("loyalty.referral_referrer_points", 2000, "推荐成交：推荐人奖励积分"),
        Policy("loyalty.referral_referee_points", 1000, "推荐成交：被推荐人奖励积分"),
        Policy("loyalty.referral_referrer_amount", 500, "推荐成交：推荐人代金券/加油卡/保养券面值（元）"),
        Policy("loyalty.referral_referee_amount", 300, "推荐成交：被推荐人代金券/加油卡/保养券面值（元）"),
        Policy("loyalty.event_attendance_points", 200, "车主活动到场默认奖励积分"),
        Policy("loyalty.event_invite_batch", 2000, "车主活动每次邀请的最多人数"),
        # kpis: add this module's policies below this line
        Policy("kpis.reaggregate_days", 14, "每晚重新汇总最近多少天的指标（迟到数据，如后来解决的问题）"),
        Policy("kpis.max_range_days", 1100, "看板可查询的最长期间（天）"),
        Policy("kpis.red_weeks", 2, "指标连续低于目标多少周亮红灯并启动改进行动"),
        Policy("kpis.meeting_hours", 24, "红灯后召开跨部门会议的时限（小时）"),
        Policy("kpis.plan_hours", 48, "红灯后提交改进方案的时限（小时）"),
        Policy("kpis.commission_weight_percent", 10, "销售提成中售后满意度的权重（%）"),
        Policy("kpis.commission_threshold", 85, "满意度低于该分数（百分制）时降低提成系数"),
        Policy("kpis.commission_reduced_coefficient", 0.8, "满意度未达标时满意度部分的系数（0–1）"),
        # dataio: add this module's policies below this line
        Policy("dataio.max_rows", 500_000, "单个导入文件最多数据行数"),
        Policy("dataio.export_max_rows", 1_000_000, "单次导出最多行数"),
    ]
}


def policy_choices() -> list[tuple[str, str]]:
    """The settings a manager can override; a callable, so adding a policy needs no migration."""
    return [(key, policy.label) for key, policy in POLICIES.items()]


def policy_value(store_id: int | None, key: str):
    """The store's value for a configurable number, or the brief's default."""
    from core.models import StoreSetting

    policy = POLICIES[key]
    if store_id is not None:
        value = StoreSetting.objects.filter(store_id=store_id, key=key).values_list("value", flat=True).first()
        if value is not None:
            return type(policy.default)(value)
    return policy.default
