"""Staff forms of the repair order; the services validate the rules, the forms only the shapes."""

from decimal import Decimal

from django import forms

from core.forms import DateInput
from workshop.models import ApprovalMethod, QualityCheck, RepairOrder, RepairOrderItem, System


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class FilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *RepairOrder.State.choices])
    advisor = forms.IntegerField(label="服务顾问", required=False, min_value=1, max_value=2**62)
    repeat = forms.BooleanField(label="只看返修", required=False)


class OpenForm(forms.Form):
    odometer_km = forms.IntegerField(label="进店里程（公里）", min_value=0, max_value=2_000_000)
    arrived_at = forms.DateTimeField(label="到店时间", required=False, widget=DateTimeInput, help_text="留空为现在")
    complaint = forms.CharField(label="客户描述", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    technician_id = forms.TypedChoiceField(label="技师", required=False, coerce=int, empty_value=None)
    appointment_id = forms.IntegerField(label="预约编号", required=False, min_value=1, max_value=2**62)

    def __init__(self, *args, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician_id"].choices = [("", "稍后指派"), *[(t.pk, str(t)) for t in technicians]]


class RecordForm(forms.Form):
    complaint = forms.CharField(label="客户描述的问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    system = forms.ChoiceField(label="故障系统", choices=System.choices)
    walk_around = forms.CharField(label="环车检查记录", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    diagnosis = forms.CharField(label="诊断结论", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    promised_at = forms.DateTimeField(label="承诺完工时间", widget=DateTimeInput)
    technician_id = forms.TypedChoiceField(label="技师", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician_id"].choices = [("", "不变"), *[(t.pk, str(t)) for t in technicians]]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RepairOrderItem.Kind.choices)
    description = forms.CharField(label="项目", max_length=120)
    quantity = forms.DecimalField(label="数量/工时", min_value=Decimal("0.01"), max_digits=8, decimal_places=2)
    unit_price = forms.DecimalField(label="单价（元）", min_value=Decimal("0"), max_digits=10, decimal_places=2)


class ItemUpdateForm(forms.Form):
    quantity = forms.DecimalField(label="数量/工时", min_value=Decimal("0.01"), max_digits=8, decimal_places=2)
    unit_price = forms.DecimalField(label="单价（元）", min_value=Decimal("0"), max_digits=10, decimal_places=2)


class ApproveForm(forms.Form):
    method = forms.ChoiceField(label="确认方式", choices=ApprovalMethod.choices)
    note = forms.CharField(label="说明", required=False, max_length=200)


class QualityCheckForm(forms.Form):
    level = forms.TypedChoiceField(label="级别", choices=QualityCheck.Level.choices, coerce=int)
    passed = forms.TypedChoiceField(label="结果", choices=[("1", "合格"), ("0", "不合格")], coerce=lambda v: v == "1")
    notes = forms.CharField(label="说明", required=False, max_length=500)


class DeliverForm(forms.Form):
    old_parts_shown = forms.BooleanField(label="已向客户展示旧件", required=False)
    next_visit_advice = forms.CharField(label="下次保养/维修建议", required=False, max_length=300)
    advice_remind_on = forms.DateField(label="建议提醒日期", required=False, widget=DateInput, help_text="留空按门店默认天数")


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class EmptyForm(forms.Form):
    pass
