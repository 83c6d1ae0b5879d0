"""Forms of the complaint desk and the contact queue; each hands its data to one service."""

from django import forms

from complaints.models import Compensation, Complaint, ContactChannel, TeamSide

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ServiceForm(forms.Form):
    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ComplaintForm(ServiceForm):
    title = forms.CharField(label="标题", max_length=100)
    category = forms.ChoiceField(label="类别", choices=Complaint.Category.choices)
    channel = forms.ChoiceField(label="渠道", choices=Complaint.Channel.choices)
    description = forms.CharField(label="投诉内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    received_at = forms.DateTimeField(label="客户投诉时间", required=False, widget=DATETIME, help_text="留空为现在")
    is_safety = forms.BooleanField(label="涉及安全（直达 L3）", required=False)
    is_media = forms.BooleanField(label="媒体曝光风险（直达 L3）", required=False)
    is_legal = forms.BooleanField(label="法律纠纷风险（直达 L3）", required=False)


class RespondForm(ServiceForm):
    note = forms.CharField(label="响应内容", max_length=500)


class NoteForm(ServiceForm):
    text = forms.CharField(label="处理记录", max_length=500)


class ReasonForm(ServiceForm):
    reason = forms.CharField(label="原因", max_length=200)


class EmptyForm(ServiceForm):
    pass


class TransferForm(ServiceForm):
    owner_id = forms.IntegerField(label="转交给", min_value=1, max_value=10**18)
    reason = forms.CharField(label="原因", max_length=200)


class CompensationForm(ServiceForm):
    kind = forms.ChoiceField(label="补偿类型", choices=Compensation.Kind.choices)
    amount = forms.DecimalField(label="金额（元）", min_value=0, max_digits=10, decimal_places=2)
    description = forms.CharField(label="说明", max_length=200, required=False)


class TeamForm(ServiceForm):
    sales_id = forms.IntegerField(label="销售", min_value=1, max_value=10**18)
    service_id = forms.IntegerField(label="售后服务", min_value=1, max_value=10**18)
    quality_id = forms.IntegerField(label="质量", min_value=1, max_value=10**18)
    single_window = forms.ChoiceField(label="对客户唯一窗口", choices=TeamSide.choices)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        members = {"sales": data["sales_id"], "service": data["service_id"], "quality": data["quality_id"]}
        return {"members": members, "single_window": data["single_window"]}


class FindingForm(ServiceForm):
    side = forms.ChoiceField(label="部门", choices=TeamSide.choices)
    confirmed = forms.TypedChoiceField(
        label="问题属实", choices=[("1", "是"), ("0", "否")], coerce=lambda value: value == "1", empty_value=None
    )
    finding = forms.CharField(label="调查结论", max_length=1000)


class SolutionForm(ServiceForm):
    solution = forms.CharField(label="联合方案", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(ServiceForm):
    solution = forms.CharField(label="解决方案", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    root_cause = forms.CharField(label="根本原因", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cause = forms.ChoiceField(label="原因分类", choices=[("", "—")] + Complaint.Cause.choices, required=False)
    confirmation = forms.ChoiceField(label="客户确认", choices=Complaint.Confirmation.choices, required=False)
    confirmation_note = forms.CharField(label="确认说明", max_length=200, required=False)


class ContactForm(ServiceForm):
    channel = forms.ChoiceField(label="渠道", choices=ContactChannel.choices)
    sender = forms.CharField(label="来访人/昵称", max_length=60, required=False)
    customer_id = forms.IntegerField(label="客户编号", min_value=1, max_value=10**18, required=False, help_text="已建档客户填写")
    summary = forms.CharField(label="内容/主要需求", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    received_at = forms.DateTimeField(label="收到时间", required=False, widget=DATETIME, help_text="留空为现在")
    response_seconds = forms.IntegerField(
        label="已响应用时（秒）",
        min_value=0,
        max_value=86400,
        required=False,
        help_text="来电接听用时（来自通话记录）或到店登记用时",
    )


class ContactRespondForm(ServiceForm):
    note = forms.CharField(label="响应内容", max_length=500)
    customer_id = forms.IntegerField(label="关联客户编号", min_value=1, max_value=10**18, required=False)


class OutcomeForm(ServiceForm):
    outcome = forms.CharField(label="处理结果", max_length=200)


class ContactComplaintForm(ServiceForm):
    title = forms.CharField(label="投诉标题", max_length=100)
    category = forms.ChoiceField(label="类别", choices=Complaint.Category.choices)
