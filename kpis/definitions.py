"""Every measure of the brief (DOMAIN §12), each read from the module that owns it.

A measure is a ratio numerator / denominator of one local day, per store (and per staff member where
the source knows one). The source is a selector `(*, day) -> [{store_id, staff_id, numerator,
denominator}]` of its module; the nightly rollup stores its rows, and any period sums them — so a
month is Σ numerators / Σ denominators, never an average of daily rates. Each source's docstring
states its numerator and denominator.

Targets are store settings (`kpis.target.<key>`), defaulting to the brief's number; a target of 0
means "no target set" for measures the brief names without a number.
"""

import importlib
from dataclasses import dataclass
from decimal import Decimal

PERCENT, SCORE, MINUTES, COUNT = "percent", "score", "minutes", "count"


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    source: str  # "module.function"
    unit: str = PERCENT
    target: float = 0  # the brief's number; 0 = none given
    higher_is_better: bool = True
    module: str = ""  # the owning module (nav slug), for the drill-down link
    drill: str = ""  # url name of the list behind the figure

    @property
    def target_policy(self) -> str:
        return f"kpis.target.{self.key}"

    def load(self):
        """The source function; every owning module exists, so a wrong name fails loudly."""
        module_name, function_name = self.source.rsplit(".", 1)
        return getattr(importlib.import_module(module_name), function_name)

    def value(self, numerator: Decimal, denominator: Decimal) -> Decimal | None:
        """The figure of summed parts; None when nothing was measured (shown as "—", never 0 %)."""
        if self.unit == COUNT:
            return Decimal(numerator)
        if not denominator:
            return None
        ratio = Decimal(numerator) / Decimal(denominator)
        return (ratio * 100 if self.unit == PERCENT else ratio).quantize(Decimal("0.1"))

    def meets(self, value: Decimal | None, target: float) -> bool | None:
        """True/False against the target; None when there is no figure or no target."""
        if value is None or not target:
            return None
        return value >= Decimal(str(target)) if self.higher_is_better else value <= Decimal(str(target))


KPIS = [
    Kpi("handover_accuracy", "交接信息准确率", "handover.selectors.kpi_handover_accuracy_daily", target=98, module="handover"),
    Kpi("handover_on_time", "24小时内完成交接", "handover.selectors.kpi_handover_on_time_daily", target=100, module="handover"),
    Kpi("lead_conversion", "售后线索转化率", "leads.selectors.kpi_lead_conversion_daily", target=30, module="leads"),
    Kpi("lead_follow_up", "线索24小时内跟进率", "leads.selectors.kpi_lead_follow_up_on_time_daily", target=100, module="leads"),
    Kpi("satisfaction", "联合服务满意度", "followups.selectors.kpi_satisfaction_daily", SCORE, 90, module="followups"),
    Kpi(
        "complaint_response",
        "投诉24小时内响应率",
        "complaints.selectors.kpi_complaint_response_daily",
        target=95,
        module="complaints",
        drill="complaints:list",
    ),
    Kpi(
        "complaint_closure",
        "投诉48小时内结案率",
        "complaints.selectors.kpi_complaint_closure_daily",
        target=95,
        module="complaints",
    ),
    Kpi("follow_up_rate", "回访率", "followups.selectors.kpi_follow_up_rate_daily", target=100, module="followups"),
    Kpi("issue_resolution", "问题解决率", "followups.selectors.kpi_issue_resolution_daily", target=95, module="followups"),
    Kpi(
        "appointment_fulfilment",
        "预约履约率",
        "appointments.selectors.kpi_appointment_fulfilment_daily",
        target=90,
        module="appointments",
    ),
    Kpi(
        "repair_time",
        "平均维修时长（分钟）",
        "workshop.selectors.kpi_repair_time_daily",
        MINUTES,
        higher_is_better=False,
        module="workshop",
    ),
    Kpi(
        "repeat_repair",
        "返修率",
        "workshop.selectors.kpi_repeat_repair_daily",
        target=2,
        higher_is_better=False,
        module="workshop",
    ),
    Kpi("reception_on_time", "5分钟内接车", "workshop.selectors.kpi_reception_on_time_daily", target=95, module="workshop"),
    Kpi("reminder_reach", "提醒触达率", "reminders.selectors.kpi_reminder_reach_daily", target=80, module="reminders"),
    Kpi(
        "online_response", "在线消息15分钟内响应", "complaints.selectors.kpi_online_response_daily", target=95, module="contacts"
    ),
    Kpi("walk_in_register", "到店3分钟内登记", "complaints.selectors.kpi_walk_in_register_daily", target=95, module="contacts"),
    Kpi("phone_answer", "来电30秒内接听", "complaints.selectors.kpi_phone_answer_daily", target=95, module="contacts"),
    Kpi("win_back", "流失挽回率", "followups.selectors.kpi_win_back_daily", module="followups", drill="followups:win_backs"),
    Kpi(
        "lost_customers",
        "新增流失客户",
        "followups.selectors.kpi_lost_customers_daily",
        COUNT,
        higher_is_better=False,
        module="followups",
        drill="followups:win_backs",
    ),
    Kpi("referral_rate", "转介绍率", "loyalty.selectors.kpi_referral_rate_daily", module="loyalty"),
    Kpi("event_attendance", "车主活动到场率", "loyalty.selectors.kpi_event_attendance_daily", module="loyalty"),
    Kpi("showroom_conversion", "展厅成交率", "showroom.selectors.kpi_showroom_conversion_daily", module="showroom"),
    Kpi(
        "showroom_walk_in",
        "展厅到店3分钟内登记",
        "showroom.selectors.kpi_walk_in_registration_daily",
        target=95,
        module="showroom",
    ),
    Kpi("test_drive_rate", "试驾率", "showroom.selectors.kpi_test_drive_rate_daily", module="showroom"),
]
KPIS_BY_KEY = {kpi.key: kpi for kpi in KPIS}
