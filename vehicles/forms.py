from django import forms

from core.forms import DateInput
from vehicles.models import OdometerReading, Powertrain


class VehicleForm(forms.Form):
    vin = forms.CharField(label="车架号（VIN）", max_length=30)
    plate = forms.CharField(label="车牌号", max_length=20, required=False)
    brand = forms.CharField(label="品牌", max_length=40, required=False)
    model = forms.CharField(label="车型", max_length=60)
    trim = forms.CharField(label="配置", max_length=60, required=False)
    powertrain = forms.ChoiceField(label="动力类型", choices=Powertrain.choices)
    colour = forms.CharField(label="颜色", max_length=20, required=False)
    options = forms.CharField(label="关键选装", required=False, help_text="多个用逗号分隔，如 驾驶辅助包")
    purchase_date = forms.DateField(label="购车日期", widget=DateInput)
    delivery_date = forms.DateField(label="交车日期", required=False, widget=DateInput)
    first_registration_date = forms.DateField(label="首次上牌日期", required=False, widget=DateInput)
    warranty_end_date = forms.DateField(label="整车质保截止日期", required=False, widget=DateInput)
    warranty_end_km = forms.IntegerField(label="整车质保截止里程", required=False, min_value=0, max_value=2_000_000)
    insurance_expiry = forms.DateField(label="保险到期日", required=False, widget=DateInput)
    inspection_due = forms.DateField(label="年检到期日", required=False, widget=DateInput)
    battery_capacity_kwh = forms.DecimalField(label="电池容量(kWh)", required=False, min_value=0, max_digits=6, decimal_places=1)
    battery_soh_percent = forms.DecimalField(
        label="电池健康度 SOH(%)", required=False, min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    home_charger = forms.BooleanField(label="已安装家用充电桩", required=False)
    ev_warranty_end_date = forms.DateField(label="三电质保截止日期", required=False, widget=DateInput)
    ota_version = forms.CharField(label="OTA 软件版本", max_length=40, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = [o.strip() for o in data["options"].replace("，", ",").split(",") if o.strip()]
        return data

    @classmethod
    def initial_for(cls, vehicle) -> dict:
        initial = {name: getattr(vehicle, name) for name in cls.base_fields}
        initial["options"] = "，".join(vehicle.options)
        return initial


class OdometerForm(forms.Form):
    km = forms.IntegerField(label="里程(公里)", min_value=0, max_value=2_000_000)
    read_on = forms.DateField(label="读取日期", widget=DateInput)
    source = forms.ChoiceField(label="来源", choices=OdometerReading.Source.choices)
    is_meter_replacement = forms.BooleanField(label="更换过仪表", required=False)
