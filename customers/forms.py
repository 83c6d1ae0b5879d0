from django import forms

from core.forms import DateInput
from customers.models import Channel, Customer, Interaction, MemberTier, Source


class CustomerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    mobile = forms.CharField(label="手机号", max_length=30)
    extra_mobiles = forms.CharField(label="其他手机号", required=False, help_text="多个号码用逗号分隔")
    gender = forms.ChoiceField(label="性别", choices=Customer.Gender.choices, required=False)
    birthday = forms.DateField(label="生日", required=False, widget=DateInput)
    birthday_is_lunar = forms.BooleanField(label="按农历过生日（上面填写农历年月日）", required=False)
    company = forms.CharField(label="单位（车队/企业客户）", max_length=100, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    preferred_channel = forms.ChoiceField(label="偏好渠道", choices=[("", "—")] + Channel.choices, required=False)
    preferred_time = forms.CharField(label="偏好联系时间", max_length=50, required=False)
    decision_maker = forms.CharField(label="家庭决策人", max_length=60, required=False)
    source = forms.ChoiceField(label="来源", choices=[("", "—")] + Source.choices, required=False)
    member_tier = forms.ChoiceField(
        label="会员等级",
        choices=MemberTier.choices,
        initial=MemberTier.NONE,
        help_text="每晚按消费金额与到店次数自动计算；在此改为其他等级即设为保底等级（如老会员迁移）",
    )
    manual_tags = forms.CharField(label="标签", required=False, help_text="多个标签用逗号分隔")
    shown_member_tier = forms.CharField(widget=forms.HiddenInput, required=False)  # the tier the edit page showed

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.pop("shown_member_tier") == data["member_tier"]:
            del data["member_tier"]  # left as shown: the nightly recalculation keeps deciding (no floor)
        data["manual_tags"] = _split(data["manual_tags"])
        data["extra_mobiles"] = _split(data["extra_mobiles"])
        return data

    @classmethod
    def initial_for(cls, customer: Customer) -> dict:
        initial = {name: getattr(customer, name) for name in cls.base_fields if hasattr(customer, name)}
        initial["mobile"] = customer.mobile.removeprefix("+86")
        initial["manual_tags"] = "，".join(customer.manual_tags)
        initial["extra_mobiles"] = ""
        initial["shown_member_tier"] = customer.member_tier
        return initial


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


class InteractionForm(forms.Form):
    channel = forms.ChoiceField(label="渠道", choices=Interaction.Channel.choices)
    direction = forms.ChoiceField(label="方向", choices=Interaction.Direction.choices)
    summary = forms.CharField(
        label="内容摘要", widget=forms.Textarea(attrs={"rows": 2, "placeholder": "内容摘要"}), max_length=2000
    )
    outcome = forms.CharField(
        label="结果", max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "结果（可选）"})
    )
