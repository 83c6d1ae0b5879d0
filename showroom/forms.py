"""Staff forms of the showroom: they parse input; the services hold every rule."""

from django import forms
from django.urls import reverse_lazy

from showroom.models import (
    BodyType,
    BudgetBand,
    Concern,
    DecisionMaker,
    HiddenNeed,
    LostReason,
    PdiItem,
    PowertrainPreference,
    PromiseKind,
    ProspectSource,
    QuoteLine,
    TestDrive,
    Usage,
)
from vehicles.models import Powertrain

BLANK = [("", "—")]
MONEY = {"max_digits": 12, "decimal_places": 2}


class ConfirmForm(forms.Form):
    """An action button without fields (win, cancel a test drive, mark delivered)."""


class ProspectForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    mobile = forms.CharField(
        label="手机号",
        max_length=20,
        help_text="输入后自动识别：老客户、推荐人、车队潜力、未结投诉",
        widget=forms.TextInput(
            attrs={
                "hx-get": reverse_lazy("showroom:identity"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#identity",
            }
        ),
    )
    source = forms.ChoiceField(label="来源", choices=ProspectSource.choices)
    main_need = forms.CharField(label="主要需求", max_length=200, required=False)
    budget_band = forms.ChoiceField(label="预算", choices=BLANK + BudgetBand.choices, required=False)
    interested_model_id = forms.TypedChoiceField(label="意向车型", coerce=int, required=False, empty_value=None)
    company = forms.CharField(label="单位（车队/企业）", max_length=100, required=False)
    referrer_id = forms.IntegerField(label="推荐人客户编号", required=False, min_value=1)

    def __init__(self, *args, car_models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interested_model_id"].choices = BLANK + [(m.pk, str(m)) for m in car_models]


class WalkInArriveForm(forms.Form):
    """DOMAIN §1 "1+1": the salesperson at the door plus a service advisor."""

    visitor_label = forms.CharField(label="来访人描述", max_length=60, required=False)
    service_advisor_id = forms.TypedChoiceField(label="陪同服务顾问", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_advisor_id"].choices = [("", "—")] + [(a.pk, str(a)) for a in advisors]


class WalkInRegisterForm(forms.Form):
    """DOMAIN §1: name, mobile, main need within 3 minutes."""

    name = forms.CharField(label="姓名", max_length=60)
    mobile = forms.CharField(label="手机号", max_length=20)
    main_need = forms.CharField(label="主要需求", max_length=200)
    budget_band = forms.ChoiceField(label="预算", choices=BLANK + BudgetBand.choices, required=False)


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(choices=[("contacted", "已联系"), ("visited", "已到店")])


class ReassignForm(forms.Form):
    owner_id = forms.TypedChoiceField(label="转交给", coerce=int)

    def __init__(self, *args, salespeople=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = [(user.pk, str(user)) for user in salespeople]


class LoseForm(forms.Form):
    reason = forms.ChoiceField(label="战败原因", choices=BLANK + LostReason.choices, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class InterviewForm(forms.Form):
    usage_scenarios = forms.MultipleChoiceField(
        label="用车场景", choices=Usage.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    top_concerns = forms.MultipleChoiceField(
        label="最关注的三点", choices=Concern.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    hidden_needs = forms.MultipleChoiceField(
        label="潜在需求", choices=HiddenNeed.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    powertrain_preference = forms.ChoiceField(label="动力偏好", choices=PowertrainPreference.choices)
    budget_band = forms.ChoiceField(label="预算", choices=BLANK + BudgetBand.choices, required=False)
    decision_maker = forms.ChoiceField(label="决策人", choices=BLANK + DecisionMaker.choices, required=False)
    decision_notes = forms.CharField(label="决策说明", max_length=200, required=False)


class TestDriveForm(forms.Form):
    demo_car_id = forms.TypedChoiceField(label="试驾车", coerce=int)
    starts_at = forms.DateTimeField(label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minutes = forms.IntegerField(label="时长（分钟）", min_value=1, max_value=240, required=False)
    route = forms.ChoiceField(label="路线", choices=TestDrive.Route.choices, initial=TestDrive.Route.CITY_HIGHWAY)
    licence_checked = forms.BooleanField(label="已核验驾驶证", required=False)

    def __init__(self, *args, demo_cars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demo_car_id"].choices = [(car.pk, str(car)) for car in demo_cars]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label="评价", coerce=int, choices=[(n, f"{n} 分") for n in range(5, 0, -1)])
    liked = forms.CharField(label="满意之处", max_length=300, required=False)
    concerns = forms.CharField(label="顾虑", max_length=300, required=False)


LINE_ROWS, PROMISE_ROWS = 5, 5


class QuoteForm(forms.Form):
    """A quote: vehicle price, up to five extra lines, packages, five promise lines, finance option."""

    car_model_id = forms.TypedChoiceField(label="车型", coerce=int)
    colour = forms.CharField(label="颜色", max_length=20, required=False)
    vehicle_price = forms.DecimalField(label="车价（元，留空按指导价）", required=False, **MONEY)
    package_ids = forms.TypedMultipleChoiceField(
        label="增值套餐", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    finance_plan_id = forms.TypedChoiceField(label="金融方案", coerce=int, required=False, empty_value=None)
    down_payment = forms.DecimalField(label="首付（元）", required=False, **MONEY)
    after_sales_policy = forms.CharField(
        label="售后政策", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(label="备注", max_length=500, required=False)

    def __init__(self, *args, car_models=(), packages=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["car_model_id"].choices = [(m.pk, f"{m}（指导价 {m.guide_price}）") for m in car_models]
        self.fields["package_ids"].choices = [(p.pk, f"{p.name}（{p.price} 元）") for p in packages]
        self.fields["finance_plan_id"].choices = [("", "全款")] + [(p.pk, str(p)) for p in plans]
        for i in range(LINE_ROWS):
            self.fields[f"line{i}_kind"] = forms.ChoiceField(
                label="类别", choices=[c for c in QuoteLine.Kind.choices if c[0] not in ("vehicle", "package")], required=False
            )
            self.fields[f"line{i}_description"] = forms.CharField(label="项目", max_length=120, required=False)
            self.fields[f"line{i}_amount"] = forms.DecimalField(label="金额", required=False, **MONEY)
        for i in range(PROMISE_ROWS):
            self.fields[f"promise{i}_kind"] = forms.ChoiceField(label="承诺类别", choices=PromiseKind.choices, required=False)
            self.fields[f"promise{i}_description"] = forms.CharField(label="承诺内容", max_length=200, required=False)
            self.fields[f"promise{i}_value"] = forms.DecimalField(label="价值", required=False, **MONEY)
            self.fields[f"promise{i}_valid_until"] = forms.DateField(
                label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def line_rows(self):
        return [(self[f"line{i}_kind"], self[f"line{i}_description"], self[f"line{i}_amount"]) for i in range(LINE_ROWS)]

    def promise_rows(self):
        return [
            (
                self[f"promise{i}_kind"],
                self[f"promise{i}_description"],
                self[f"promise{i}_value"],
                self[f"promise{i}_valid_until"],
            )
            for i in range(PROMISE_ROWS)
        ]

    def service_kwargs(self) -> dict:
        """The service's arguments; `self.row_of` maps a line/promise index back to its form row."""
        from showroom.quotes import LineIn, PromiseIn

        data = self.cleaned_data
        line_rows = [i for i in range(LINE_ROWS) if data[f"line{i}_description"] or data[f"line{i}_amount"] is not None]
        promise_rows = [
            i for i in range(PROMISE_ROWS) if data[f"promise{i}_description"] or data[f"promise{i}_value"] is not None
        ]
        self.row_of = {"lines": line_rows, "promises": promise_rows}
        return {
            "car_model_id": data["car_model_id"],
            "colour": data["colour"],
            "vehicle_price": data["vehicle_price"],
            "package_ids": data["package_ids"],
            "finance_plan_id": data["finance_plan_id"],
            "down_payment": data["down_payment"],
            "after_sales_policy": data["after_sales_policy"],
            "notes": data["notes"],
            "lines": [LineIn(data[f"line{i}_kind"], data[f"line{i}_description"], data[f"line{i}_amount"]) for i in line_rows],
            "promises": [
                PromiseIn(
                    data[f"promise{i}_kind"],
                    data[f"promise{i}_description"],
                    data[f"promise{i}_value"],
                    data[f"promise{i}_valid_until"],
                )
                for i in promise_rows
            ],
        }

    def service_field(self, key: str) -> str | None:
        """ "lines.1.amount" → "line3_amount" (the form row of the second filled line)."""
        parts = key.split(".")
        if len(parts) == 3 and parts[0] in ("lines", "promises") and parts[1].isdigit():
            rows = getattr(self, "row_of", {}).get(parts[0], [])
            index = int(parts[1])
            if index < len(rows):
                name = f"{parts[0][:-1]}{rows[index]}_{parts[2]}"
                return name if name in self.fields else None
        return key if key in self.fields else None


class DeliveryStartForm(forms.Form):
    vin = forms.CharField(label="车架号（VIN）", max_length=30)
    plate = forms.CharField(label="车牌号（已上牌时填写）", max_length=12, required=False)
    colour = forms.CharField(label="颜色", max_length=20, required=False)


class PdiForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in PdiItem:
            self.fields[f"{item.value}_ok"] = forms.ChoiceField(
                label=item.label, choices=[("", "—"), ("1", "合格"), ("0", "有问题")], required=False
            )
            self.fields[f"{item.value}_note"] = forms.CharField(label="说明", max_length=200, required=False)

    def rows(self):
        return [(item.label, self[f"{item.value}_ok"], self[f"{item.value}_note"]) for item in PdiItem]

    def results(self) -> dict:
        data = self.cleaned_data
        return {
            item.value: {"ok": data[f"{item.value}_ok"] == "1", "note": data[f"{item.value}_note"]}
            for item in PdiItem
            if data[f"{item.value}_ok"]
        }


class PhotoForm(forms.Form):
    item = forms.ChoiceField(label="检查项", choices=PdiItem.choices)
    photo = forms.FileField(label="照片（JPEG/PNG，≤2MB）")


class ChecklistForm(forms.Form):
    explained_features = forms.BooleanField(label="已讲解车辆功能", required=False)
    explained_after_sales = forms.BooleanField(label="已讲解售后权益", required=False)
    explained_membership = forms.BooleanField(label="已讲解会员规则", required=False)


class FinanceForm(forms.Form):
    price = forms.DecimalField(label="车价（元）", **MONEY)
    down_payment = forms.DecimalField(label="首付（元）", **MONEY)


class CompareForm(forms.Form):
    first = forms.TypedChoiceField(label="车型一", coerce=int)
    second = forms.TypedChoiceField(label="车型二", coerce=int)

    def __init__(self, *args, car_models=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, str(m)) for m in car_models]
        self.fields["first"].choices = self.fields["second"].choices = choices


class CarModelForm(forms.Form):
    brand = forms.CharField(label="品牌", max_length=40)
    model = forms.CharField(label="车型", max_length=60)
    trim = forms.CharField(label="配置", max_length=60, required=False)
    powertrain = forms.ChoiceField(label="动力类型", choices=Powertrain.choices)
    body_type = forms.ChoiceField(label="车身", choices=BodyType.choices)
    seats = forms.IntegerField(label="座位数", min_value=1, max_value=12, initial=5)
    guide_price = forms.DecimalField(label="指导价（元）", **MONEY)
    fuel_l_per_100km = forms.DecimalField(label="油耗（升/百公里）", max_digits=5, decimal_places=2, initial=0)
    power_kwh_per_100km = forms.DecimalField(label="电耗（千瓦时/百公里）", max_digits=5, decimal_places=2, initial=0)
    annual_maintenance = forms.DecimalField(label="年均保养费用（元）", initial=0, **MONEY)
    key_specs = forms.CharField(label="主要参数（用 ; 分隔）", max_length=1000, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["key_specs"] = [part.strip() for part in data["key_specs"].split(";") if part.strip()]
        return data


class PackageForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60)
    description = forms.CharField(label="内容", max_length=300, required=False)
    price = forms.DecimalField(label="价格（元）", **MONEY)


class FinancePlanForm(forms.Form):
    name = forms.CharField(label="方案名称", max_length=60)
    annual_rate_percent = forms.DecimalField(label="年利率（%）", max_digits=5, decimal_places=3)
    term_months = forms.IntegerField(label="期数（月）", min_value=1, max_value=120)
    fees = forms.DecimalField(label="手续费（元）", initial=0, **MONEY)
    min_down_payment_percent = forms.DecimalField(label="最低首付（%）", max_digits=5, decimal_places=2, initial=20)


class DemoCarForm(forms.Form):
    car_model_id = forms.TypedChoiceField(label="车型", coerce=int)
    plate = forms.CharField(label="车牌号", max_length=12)

    def __init__(self, *args, car_models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["car_model_id"].choices = [(m.pk, str(m)) for m in car_models]


class MatrixRuleForm(forms.Form):
    budget_band = forms.ChoiceField(label="预算", choices=BudgetBand.choices)
    usage = forms.ChoiceField(label="主要用途", choices=Usage.choices)
    powertrain_preference = forms.ChoiceField(label="动力偏好", choices=PowertrainPreference.choices)
    car_model_id = forms.TypedChoiceField(label="推荐车型", coerce=int)
    rank = forms.IntegerField(label="顺序", min_value=1, max_value=99, initial=1)

    def __init__(self, *args, car_models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["car_model_id"].choices = [(m.pk, str(m)) for m in car_models]


class FunnelForm(forms.Form):
    since = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
