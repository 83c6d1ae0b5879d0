import datetime as dt

from ninja import Field, Schema

from customers.birthdays import lunar_label


class CustomerIn(Schema):
    name: str = Field(max_length=60)
    mobile: str = Field(max_length=30)
    store_id: int | None = None
    extra_mobiles: list[str] = []
    birthday: dt.date | None = None
    birthday_is_lunar: bool = False
    gender: str = ""
    id_type: str = ""
    id_number: str = Field("", max_length=40)
    address: str = Field("", max_length=200)
    company: str = Field("", max_length=100)
    preferred_channel: str = ""
    preferred_time: str = Field("", max_length=50)
    decision_maker: str = Field("", max_length=60)
    source: str = ""
    referred_by_id: int | None = None
    member_tier: str = "none"
    manual_tags: list[str] = []
    guardian_name: str = Field("", max_length=60)
    guardian_consent: bool = False


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=60)
    mobile: str | None = Field(None, max_length=30)
    birthday: dt.date | None = None
    birthday_is_lunar: bool | None = None
    gender: str | None = None
    id_type: str | None = None
    id_number: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=100)
    preferred_channel: str | None = None
    preferred_time: str | None = Field(None, max_length=50)
    decision_maker: str | None = Field(None, max_length=60)
    source: str | None = None
    member_tier: str | None = None
    manual_tags: list[str] | None = None


class VehicleBrief(Schema):
    id: int
    plate: str
    model: str


class CustomerListItem(Schema):
    id: int
    store_id: int
    name: str
    mobile: str = Field(description="masked, e.g. 138****1234")
    member_tier: str
    vehicles: list[VehicleBrief]

    @staticmethod
    def resolve_mobile(obj):
        return obj.masked_mobile

    @staticmethod
    def resolve_vehicles(obj):
        return list(obj.vehicles.all())


class CustomerPage(Schema):
    items: list[CustomerListItem]
    count: int | None
    limit: int
    offset: int


class MobileOut(Schema):
    number: str = Field(description="masked")
    is_primary: bool
    label: str

    @staticmethod
    def resolve_number(obj):
        return obj.masked


class CustomerOut(Schema):
    id: int
    store_id: int
    name: str
    name_pinyin: str
    mobile: str = Field(description="masked, e.g. 138****1234")
    mobiles: list[MobileOut]
    gender: str
    birthday: dt.date | None
    birthday_is_lunar: bool
    birthday_label: str | None
    id_type: str
    id_number: str = Field(description="masked, e.g. 440106********1234")
    address: str = Field(description="masked after the district")
    company: str
    preferred_channel: str
    preferred_time: str
    decision_maker: str
    source: str
    referred_by_id: int | None
    member_tier: str
    manual_tags: list[str]
    derived_tags: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_mobile(obj):
        return obj.masked_mobile

    @staticmethod
    def resolve_id_number(obj):
        return obj.masked_id_number

    @staticmethod
    def resolve_address(obj):
        return obj.masked_address

    @staticmethod
    def resolve_mobiles(obj):
        return list(obj.mobiles.all())

    @staticmethod
    def resolve_birthday_label(obj):
        if obj.birthday is None:
            return None
        return lunar_label(obj.birthday) if obj.birthday_is_lunar else obj.birthday.isoformat()


class InteractionIn(Schema):
    customer_id: int
    vehicle_id: int | None = None
    channel: str
    direction: str
    summary: str = Field(max_length=2000)
    outcome: str = Field("", max_length=200)
    occurred_at: dt.datetime | None = None


class InteractionOut(Schema):
    id: int
    customer_id: int
    vehicle_id: int | None
    staff_id: int | None
    channel: str
    direction: str
    occurred_at: dt.datetime
    summary: str
    outcome: str


class InteractionPage(Schema):
    items: list[InteractionOut]
    count: int | None
    limit: int
    offset: int


class ConsentIn(Schema):
    purpose: str
    granted: bool
    source: str = Field(max_length=50)
    text_version: str | None = Field(None, max_length=20)


class ConsentOut(Schema):
    purpose: str
    granted: bool
    recorded_at: dt.datetime
    source: str
    text_version: str
