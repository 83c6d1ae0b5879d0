"""The showroom (DOMAIN §15): prospects from every channel through the pipeline, walk-in reception on
the 3-minute clock (§1), the needs interview, recommendation data, test drives, versioned quotes with
every promise as a line, PDI and delivery, which feeds the handover to after-sales (§3)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from privacy.models import ImmutableRow
from vehicles.models import Powertrain

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- catalogue and recommendation data (managed by the store manager) -------------------------------


class BodyType(models.TextChoices):
    SEDAN = "sedan", "轿车"
    SUV = "suv", "SUV"
    MPV = "mpv", "MPV"
    HATCHBACK = "hatchback", "两厢车"


class CarModel(models.Model):
    """A model on sale in a store (展厅车型). Same brand / model / powertrain vocabulary as the
    vehicle archive (`vehicles.Vehicle`), so a delivered car is archived with these values."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    brand = models.CharField("品牌", max_length=40)
    model = models.CharField("车型", max_length=60)
    trim = models.CharField("配置", max_length=60, blank=True, default="")
    powertrain = models.CharField("动力类型", max_length=10, choices=Powertrain.choices)
    body_type = models.CharField("车身", max_length=10, choices=BodyType.choices, default=BodyType.SEDAN)
    seats = models.PositiveSmallIntegerField("座位数", default=5, validators=[MinValueValidator(1), MaxValueValidator(12)])
    guide_price = models.DecimalField("指导价（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    fuel_l_per_100km = models.DecimalField("油耗（升/百公里）", max_digits=5, decimal_places=2, default=Decimal("0"))
    power_kwh_per_100km = models.DecimalField("电耗（千瓦时/百公里）", max_digits=5, decimal_places=2, default=Decimal("0"))
    battery_kwh = models.DecimalField("电池容量（kWh）", max_digits=6, decimal_places=1, null=True, blank=True)
    range_km = models.PositiveIntegerField("续航里程（公里）", null=True, blank=True)
    annual_maintenance = models.DecimalField("年均保养费用（元）", **MONEY, default=Decimal("0"))
    key_specs = models.JSONField("主要参数", default=list, blank=True, help_text="如 “2.0T 186kW”“轴距 2871mm”")
    options = models.JSONField("可选装", default=list, blank=True)
    is_active = models.BooleanField("在售", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "展厅车型"
        ordering = ["brand", "model", "trim"]
        constraints = [models.UniqueConstraint(fields=["store", "brand", "model", "trim"], name="uniq_showroom_car_model")]

    def __str__(self):
        return " ".join(part for part in (self.brand, self.model, self.trim) if part)


class BudgetBand(models.TextChoices):
    UNDER_100K = "under_100k", "10万以下"
    FROM_100K = "100_150k", "10–15万"
    FROM_150K = "150_200k", "15–20万"
    FROM_200K = "200_300k", "20–30万"
    OVER_300K = "over_300k", "30万以上"


class Usage(models.TextChoices):
    COMMUTE = "commute", "上下班通勤"
    LONG_TRIP = "long_trip", "长途出行"
    BUSINESS = "business", "商务接待"
    FAMILY = "family", "家庭用车"


class PowertrainPreference(models.TextChoices):
    ANY = "any", "不限"
    PETROL = "petrol", "燃油"
    HYBRID = "hybrid", "混动（含插混）"
    BEV = "bev", "纯电"


class Concern(models.TextChoices):
    ENERGY_COST = "energy_cost", "油耗 / 能耗成本"
    SPACE = "space", "空间"
    TECH = "tech", "科技配置"
    SAFETY = "safety", "安全"
    PRICE = "price", "价格"
    COMFORT = "comfort", "舒适性"
    BRAND = "brand", "品牌"


class HiddenNeed(models.TextChoices):
    EV_INTEREST = "ev_interest", "对混动 / 纯电感兴趣"
    TRADE_IN = "trade_in", "有置换计划"
    RESIDUAL_VALUE = "residual_value", "关注保值率"
    FINANCING = "financing", "考虑分期"


class DecisionMaker(models.TextChoices):
    SELF = "self", "本人"
    SPOUSE = "spouse", "配偶"
    FAMILY = "family", "其他家庭成员"
    COMPANY = "company", "公司采购流程"


class RecommendationRule(models.Model):
    """One cell of the needs → model matrix (DOMAIN §15: "budget 150k + family → SUV")."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    budget_band = models.CharField("预算", max_length=12, choices=BudgetBand.choices)
    usage = models.CharField("主要用途", max_length=12, choices=Usage.choices)
    powertrain_preference = models.CharField("动力偏好", max_length=8, choices=PowertrainPreference.choices)
    car_model = models.ForeignKey(CarModel, on_delete=models.CASCADE, related_name="+", verbose_name="推荐车型")
    rank = models.PositiveSmallIntegerField("顺序", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "需求车型矩阵"
        ordering = ["budget_band", "usage", "powertrain_preference", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "budget_band", "usage", "powertrain_preference", "car_model"], name="uniq_recommendation_cell"
            )
        ]

    def __str__(self):
        return f"{self.get_budget_band_display()}+{self.get_usage_display()}+{self.get_powertrain_preference_display()}"


class ValuePackage(models.Model):
    """A value-added package (增值套餐: tech pack, fast delivery + VIP service lane, …)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField("名称", max_length=60)
    description = models.CharField("内容", max_length=300, blank=True, default="")
    price = models.DecimalField("价格（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "增值套餐"
        ordering = ["name"]

    def __str__(self):
        return self.name


class FinancePlan(models.Model):
    """A loan offer with configurable rate and fees (DOMAIN §15: loan total = price + interest + fees)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField("方案名称", max_length=60)
    annual_rate_percent = models.DecimalField(
        "年利率（%）",
        max_digits=5,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("36"))],
    )
    term_months = models.PositiveSmallIntegerField("期数（月）", validators=[MinValueValidator(1), MaxValueValidator(120)])
    fees = models.DecimalField("手续费等费用（元）", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    min_down_payment_percent = models.DecimalField(
        "最低首付比例（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "金融方案"
        ordering = ["term_months", "name"]

    def __str__(self):
        return f"{self.name}（{self.term_months}期 {self.annual_rate_percent}%）"


class DemoCar(models.Model):
    """A demo car for test drives (试驾车)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, related_name="demo_cars", verbose_name="车型")
    plate = models.CharField("车牌号", max_length=12)
    is_active = models.BooleanField("可用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "试驾车"
        constraints = [models.UniqueConstraint(fields=["store", "plate"], name="uniq_demo_car_plate")]

    def __str__(self):
        return f"{self.car_model} {self.plate}"


# --- prospects and the pipeline --------------------------------------------------------------------


class ProspectSource(models.TextChoices):
    PHONE = "phone", "电话"
    ONLINE = "online", "网络"
    WALK_IN = "walk_in", "到店"
    EVENT = "event", "活动"
    REFERRAL = "referral", "老客户推荐"


class LostReason(models.TextChoices):
    PRICE = "price", "价格原因"
    COMPETITOR = "competitor", "选择竞品"
    PRODUCT = "product", "产品不满足需求"
    FINANCE = "finance", "贷款未通过/资金"
    POSTPONED = "postponed", "暂缓购车"
    UNREACHABLE = "unreachable", "无法联系"
    OTHER = "other", "其他"


class Prospect(models.Model):
    """A prospect (潜客) and the needs interview (三个黄金问题). Every stage stamps its column, so
    funnel figures and KPIs read columns (STYLE §5)."""

    customer_ref = "customer_id"

    class Status(models.TextChoices):
        NEW = "new", "新建"
        CONTACTED = "contacted", "已联系"
        VISITED = "visited", "已到店"
        TEST_DRIVE = "test_drive", "已试驾"
        QUOTE = "quote", "已报价"
        WON = "won", "已成交"
        LOST = "lost", "已战败"

    CLOSED = (Status.WON, Status.LOST)

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField("姓名", max_length=60)
    mobile = models.CharField("手机号", max_length=20, help_text="E.164")
    mobile_last4 = models.CharField(max_length=4, editable=False)
    source = models.CharField("来源", max_length=10, choices=ProspectSource.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="销售顾问")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NEW)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="prospects", verbose_name="已有客户"
    )
    referrer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_prospects",
        verbose_name="推荐人",
    )
    company = models.CharField("单位（车队/企业潜力）", max_length=100, blank=True, default="")
    main_need = models.CharField("主要需求", max_length=200, blank=True, default="")
    budget_band = models.CharField("预算", max_length=12, choices=BudgetBand.choices, blank=True, default="")
    interested_model = models.ForeignKey(
        CarModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="意向车型"
    )
    # needs interview: usage scenarios, top three concerns, hidden needs, decision maker
    usage_scenarios = models.JSONField("用车场景", default=list, blank=True)
    top_concerns = models.JSONField("最关注的三点", default=list, blank=True)
    hidden_needs = models.JSONField("潜在需求", default=list, blank=True)
    powertrain_preference = models.CharField(
        "动力偏好", max_length=8, choices=PowertrainPreference.choices, default=PowertrainPreference.ANY
    )
    decision_maker = models.CharField("决策人", max_length=12, choices=DecisionMaker.choices, blank=True, default="")
    decision_notes = models.CharField("决策说明", max_length=200, blank=True, default="")
    interviewed_at = models.DateTimeField("需求访谈时间", null=True, blank=True)
    lost_reason = models.CharField("战败原因", max_length=12, choices=LostReason.choices, blank=True, default="")
    lost_note = models.CharField("战败说明", max_length=300, blank=True, default="")
    won_quote = models.ForeignKey(
        "Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="成交报价"
    )
    created_at = models.DateTimeField("建档时间", default=timezone.now)
    contacted_at = models.DateTimeField(null=True, blank=True)
    first_visit_at = models.DateTimeField("首次到店", null=True, blank=True)
    test_drive_at = models.DateTimeField("首次试驾", null=True, blank=True)
    quoted_at = models.DateTimeField("首次报价", null=True, blank=True)
    won_at = models.DateTimeField(null=True, blank=True)
    lost_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "潜客"
        constraints = [
            # DOMAIN §15 + "no duplicates when two users click at once": one open prospect per mobile.
            models.UniqueConstraint(
                fields=["store", "mobile"], condition=~models.Q(status__in=["won", "lost"]), name="uniq_open_prospect_mobile"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="lost") | ~models.Q(lost_reason=""), name="prospect_lost_needs_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "-id"], name="prospect_store_recent"),
            models.Index(fields=["store", "owner", "status"], name="prospect_owner_status"),
            models.Index(fields=["mobile_last4", "store"], name="prospect_last4"),
            models.Index(fields=["store", "created_at"], name="prospect_created"),
            models.Index(fields=["mobile", "store"], name="prospect_mobile"),
            # the daily KPI sources read one local day of every store: range first
            models.Index(fields=["first_visit_at"], name="prospect_first_visit"),
            models.Index(fields=["won_at"], name="prospect_won"),
            models.Index(fields=["lost_at"], name="prospect_lost"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_status_display()}）"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def masked_mobile(self) -> str:
        from customers.validators import mask_mobile

        return mask_mobile(self.mobile)


class ProspectEvent(ImmutableRow):
    """Every step of a prospect: created, stage reached, interview, owner change, won, lost."""

    LABELS = {
        "created": "建档",
        "contacted": "已联系",
        "visited": "到店",
        "test_drive": "试驾",
        "quote": "报价",
        "interview": "需求访谈",
        "reassigned": "转交",
        "won": "成交",
        "lost": "战败",
        "delivered": "交车",
    }

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField("说明", max_length=300, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["prospect", "at"], name="prospect_event_timeline")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.kind, self.kind)


class WalkIn(models.Model):
    """A visitor at the showroom door (DOMAIN §1: basic registration — name, mobile, main need —
    within 3 minutes; reception is "1+1", a salesperson and a service advisor)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    arrived_at = models.DateTimeField("到店时间")
    register_due_at = models.DateTimeField("登记时限")
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    visitor_label = models.CharField("来访人描述", max_length=60, blank=True, default="", help_text="如 “两位，蓝色外套”")
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="接待销售")
    service_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="陪同服务顾问"
    )
    prospect = models.ForeignKey(Prospect, on_delete=models.SET_NULL, null=True, blank=True, related_name="walk_ins")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "到店接待"
        indexes = [
            models.Index(fields=["store", "arrived_at"], name="walk_in_store_day"),
            models.Index(fields=["arrived_at"], name="walk_in_day"),  # the daily KPI source, all stores
        ]

    def __str__(self):
        return f"{self.arrived_at:%m-%d %H:%M} {self.visitor_label}"

    def registered_on_time(self) -> bool:
        return self.registered_at is not None and self.registered_at <= self.register_due_at


# --- test drives ------------------------------------------------------------------------------------


class TestDrive(models.Model):
    __test__ = False  # not a pytest class

    class Route(models.TextChoices):
        CITY = "city", "城市道路"
        HIGHWAY = "highway", "高速"
        CITY_HIGHWAY = "city_highway", "城市 + 高速"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "已预约"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="test_drives")
    demo_car = models.ForeignKey(DemoCar, on_delete=models.PROTECT, related_name="test_drives", verbose_name="试驾车")
    route = models.CharField("路线", max_length=14, choices=Route.choices, default=Route.CITY_HIGHWAY)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    licence_checked = models.BooleanField("已核验驾照", default=False)
    licence_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    rating = models.PositiveSmallIntegerField("整体评价（1–5）", null=True, blank=True)
    liked = models.CharField("满意之处", max_length=300, blank=True, default="")
    concerns = models.CharField("顾虑", max_length=300, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "试驾"
        indexes = [
            models.Index(fields=["store", "starts_at"], name="test_drive_store_day"),
            models.Index(fields=["demo_car", "starts_at"], name="test_drive_car_day"),
        ]

    def __str__(self):
        return f"{self.demo_car_id} {self.starts_at:%m-%d %H:%M}"


class TestDriveSlot(models.Model):
    """One claimed slot of a demo car. The unique constraint makes double booking impossible in the
    database itself, also when two salespeople book the same car at the same moment."""

    __test__ = False

    demo_car = models.ForeignKey(DemoCar, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    test_drive = models.ForeignKey(TestDrive, on_delete=models.CASCADE, related_name="slots")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["demo_car", "starts_at"], name="uniq_demo_car_slot")]

    def __str__(self):
        return f"{self.demo_car_id} {self.starts_at:%m-%d %H:%M}"


# --- quotes -----------------------------------------------------------------------------------------


class Quote(models.Model):
    """One version of a transparent quote (DOMAIN §15): written once, never edited — a change is a
    new version. Price lines, packages, the finance option, the after-sales policy and every promise."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="quotes")
    version = models.PositiveSmallIntegerField("版本")
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, related_name="+", verbose_name="车型")
    colour = models.CharField("颜色", max_length=20, blank=True, default="")
    total = models.DecimalField("合计（元）", **MONEY)
    finance_plan = models.ForeignKey(
        FinancePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="金融方案"
    )
    down_payment = models.DecimalField("首付（元）", **MONEY, null=True, blank=True)
    finance_summary = models.JSONField("金融测算", default=dict, blank=True, help_text="报价时的测算快照")
    after_sales_policy = models.TextField("售后政策", max_length=4000)
    valid_until = models.DateField("报价有效期至")
    notes = models.CharField("备注", max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报价单"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["prospect", "version"], name="uniq_quote_version"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="quote_total_not_negative"),
        ]
        indexes = [models.Index(fields=["store", "created_at"], name="quote_store_day")]

    def __str__(self):
        return f"报价 V{self.version}"


class QuoteLine(models.Model):
    class Kind(models.TextChoices):
        VEHICLE = "vehicle", "车价"
        OPTION = "option", "选装"
        PACKAGE = "package", "增值套餐"
        FEE = "fee", "费用"
        DISCOUNT = "discount", "优惠"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    description = models.CharField("项目", max_length=120)
    amount = models.DecimalField("金额（元）", **MONEY, help_text="非负；优惠在合计中扣减")
    package = models.ForeignKey(ValuePackage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="uniq_quote_line_position"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="quote_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.description} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.kind == self.Kind.DISCOUNT else self.amount


class PromiseKind(models.TextChoices):
    """The kinds the handover form knows (DOMAIN §3: gifts, free services, warranty terms)."""

    GIFT = "gift", "赠品"
    FREE_SERVICE = "free_service", "免费服务"
    WARRANTY = "warranty", "质保承诺"
    OTHER = "other", "其他承诺"


class QuotePromise(models.Model):
    """Anything promised to the customer (no verbal promises: DOMAIN §15) — carried to the handover."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="promises")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField("类别", max_length=14, choices=PromiseKind.choices)
    description = models.CharField("承诺内容", max_length=200)
    value = models.DecimalField("价值（元）", **MONEY, null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="uniq_quote_promise_position"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0), name="quote_promise_not_negative"
            ),
        ]

    def __str__(self):
        return self.description


# --- delivery ---------------------------------------------------------------------------------------


class PdiItem(models.TextChoices):
    """The PDI checklist (DOMAIN §15: engine/battery, paint, interior functions)."""

    ENGINE_BATTERY = "engine_battery", "发动机 / 动力电池"
    PAINT = "paint", "漆面与外观"
    INTERIOR = "interior", "内饰与功能（空调、影音、车窗）"
    TYRES = "tyres", "轮胎与胎压"
    LIGHTS = "lights", "灯光"
    DOCUMENTS = "documents", "随车文件与工具"


class Delivery(models.Model):
    """Handing the car over: PDI, the delivery checklist with the three explanations, then delivered."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    prospect = models.OneToOneField(Prospect, on_delete=models.CASCADE, related_name="delivery")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="+")
    vin = models.CharField("车架号", max_length=17)
    plate = models.CharField("车牌号", max_length=12, blank=True, default="")
    colour = models.CharField("颜色", max_length=20, blank=True, default="")
    pdi_results = models.JSONField("PDI 检查结果", default=dict, blank=True, help_text="{item: {ok, note}}")
    pdi_completed_at = models.DateTimeField("PDI 完成时间", null=True, blank=True)
    pdi_completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    explained_features = models.BooleanField("已讲解车辆功能", default=False)
    explained_after_sales = models.BooleanField("已讲解售后权益", default=False)
    explained_membership = models.BooleanField("已讲解会员规则", default=False)
    delivered_at = models.DateTimeField("交车时间", null=True, blank=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "交车"
        indexes = [models.Index(fields=["store", "delivered_at"], name="delivery_store_day")]

    def __str__(self):
        return f"交车 {self.vin}"

    @property
    def pdi_finished(self) -> bool:
        return self.pdi_completed_at is not None

    @property
    def explanations_done(self) -> bool:
        return self.explained_features and self.explained_after_sales and self.explained_membership


class PdiPhoto(models.Model):
    """A PDI photo, kept in the database (small, capped) so the signed customer link can show it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="photos")
    item = models.CharField("检查项", max_length=20, choices=PdiItem.choices)
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.delivery_id} {self.item}"
