from django import forms

from privacy.models import DataSubjectRequest


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="查看原因",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：客户来电核实身份", "autocomplete": "off"}),
    )


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label="请求类型", choices=DataSubjectRequest.Kind.choices)
    details = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label="决定", choices=[("1", "批准"), ("0", "驳回")], coerce=lambda v: v == "1")
    note = forms.CharField(label="审批意见", required=False, max_length=200)


class ExportForm(forms.Form):
    reason = forms.CharField(label="导出原因", max_length=200)
    format = forms.ChoiceField(choices=[("html", "可读版本"), ("json", "JSON")], initial="html")
