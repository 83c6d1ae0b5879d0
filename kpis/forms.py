from django import forms

from core.forms import DateInput
from kpis.definitions import KPIS
from kpis.models import ImprovementAction
from kpis.selectors import PERIODS


class KpiFilterForm(forms.Form):
    """The dashboard's store and period; errors come back in Chinese beside the field."""

    store = forms.TypedChoiceField(label="门店", required=False, coerce=int, empty_value=None)
    period = forms.ChoiceField(label="期间", choices=list(PERIODS.items()), initial="month", required=False)
    on = forms.DateField(label="日期", required=False, widget=DateInput, error_messages={"invalid": "请输入有效日期"})
    start = forms.DateField(label="开始", required=False, widget=DateInput, error_messages={"invalid": "请输入有效日期"})
    end = forms.DateField(label="结束", required=False, widget=DateInput, error_messages={"invalid": "请输入有效日期"})
    kpi = forms.ChoiceField(label="趋势指标", choices=[(k.key, k.label) for k in KPIS], initial="satisfaction", required=False)

    def __init__(self, *args, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", "全部门店")] + [(s.pk, s.name) for s in stores]
        self.fields["store"].error_messages["invalid_choice"] = "门店不存在或无权查看"


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(label="会议时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    notes = forms.CharField(label="会议纪要（参会部门、原因分析）", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class PlanForm(forms.Form):
    plan = forms.CharField(label="改进方案（措施、负责人、完成时间）", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label="验证结果", choices=ImprovementAction.Result.choices)
    outcome = forms.CharField(label="结论", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class BestPracticeForm(forms.Form):
    month = forms.DateField(label="月份（任一天）", widget=DateInput)
    kpi = forms.ChoiceField(label="相关指标", choices=[("", "—")] + [(k.key, k.label) for k in KPIS], required=False)
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="做法与效果", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    shared = forms.BooleanField(label="分享给集团各店", required=False, initial=True)
