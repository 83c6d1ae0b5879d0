import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from appointments.models import BookingChannel, ServiceType
from core.forms import DateInput


class SlotChoiceMixin(forms.Form):
    """A day and one of its free starts (the radio buttons the slot list renders)."""

    date = forms.DateField(label="日期", widget=DateInput(format="%Y-%m-%d"))
    starts_at = forms.CharField(label="时段", max_length=40, error_messages={"required": "请选择一个空闲时段"})

    def clean_starts_at(self):
        try:
            moment = dt.datetime.fromisoformat(self.cleaned_data["starts_at"])
        except ValueError:
            raise forms.ValidationError("请选择一个空闲时段") from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class BookingForm(SlotChoiceMixin):
    service_type = forms.ModelChoiceField(label="服务类型", queryset=ServiceType.objects.none())
    vehicle = forms.TypedChoiceField(label="车辆", coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(
        label="预约渠道",
        choices=[(BookingChannel.STAFF, "门店前台"), (BookingChannel.PHONE, "电话预约")],
        initial=BookingChannel.STAFF,
    )
    notes = forms.CharField(
        label="备注（客户描述、需携带的资料）", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    part_name = forms.CharField(label="预估配件", required=False, max_length=80)
    part_quantity = forms.IntegerField(label="数量", required=False, min_value=1, max_value=999, initial=1)
    part_unit_price = forms.DecimalField(
        label="单价（元）", required=False, min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    part_in_stock = forms.BooleanField(label="有库存（不勾选则预订配件）", required=False, initial=True)
    part_lead_days = forms.IntegerField(label="订货周期（天）", required=False, min_value=0, max_value=365, initial=0)

    field_order = ["service_type", "vehicle", "date", "starts_at", "channel", "notes"]

    def __init__(self, *args, store_id: int, vehicles: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(store_id=store_id, is_active=True).order_by("code")
        self.fields["vehicle"].choices = [("", "（不指定车辆）")] + [(v.pk, v.plate or v.vin) for v in vehicles]

    def parts(self):
        from appointments.services import PartRequest

        data = self.cleaned_data
        if not data.get("part_name"):
            return []
        return [
            PartRequest(
                name=data["part_name"],
                quantity=data.get("part_quantity") or 1,
                unit_price=data.get("part_unit_price") or Decimal("0"),
                in_stock=data.get("part_in_stock", True),
                lead_days=data.get("part_lead_days") or 0,
            )
        ]


class RescheduleForm(SlotChoiceMixin):
    pass


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", required=False, max_length=200)


class WalkInForm(forms.Form):
    name = forms.CharField(label="客户称呼", max_length=60)
    plate = forms.CharField(label="车牌", required=False, max_length=16)
    service_type = forms.ModelChoiceField(label="服务类型", queryset=ServiceType.objects.none())

    def __init__(self, *args, store_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(store_id=store_id, is_active=True).order_by("code")


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label="手机号", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )


class CodeForm(MobileForm):
    code = forms.CharField(label="验证码", max_length=6, min_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class SelfBookingForm(SlotChoiceMixin):
    service_type = forms.ModelChoiceField(label="服务项目", queryset=ServiceType.objects.none())
    vehicle = forms.TypedChoiceField(label="车辆", coerce=int, required=False, empty_value=None)
    notes = forms.CharField(label="车况描述（可选）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["vehicle", "service_type", "date", "starts_at", "notes"]

    def __init__(self, *args, store_id: int, vehicles: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(store_id=store_id, is_active=True).order_by("code")
        from appointments.selectors import mask_plate

        self.fields["vehicle"].choices = [("", "（不指定车辆）")] + [
            (v.pk, f"{v.brand}{v.model} {mask_plate(v.plate)}".strip()) for v in vehicles
        ]
