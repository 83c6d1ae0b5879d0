"""Organisation (DOMAIN §14): dealer group → stores (4S店) → departments, and staff with roles."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.db import models
from django.utils import timezone


class DealerGroup(models.Model):
    name = models.CharField("集团名称", max_length=100)
    legal_entity = models.CharField("集团法人主体", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "经销商集团"

    def __str__(self):
        return self.name


class Store(models.Model):
    """A 4S store; every customer-owned row carries its store."""

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="stores")
    code = models.CharField("门店代码", max_length=20, unique=True)
    name = models.CharField("门店名称", max_length=100)
    city = models.CharField("城市", max_length=50, blank=True)
    legal_entity = models.CharField(
        "法人主体", max_length=100, blank=True, default="", help_text="留空表示与集团为同一法人（如分公司）"
    )
    phone = models.CharField("服务电话", max_length=30, blank=True, default="")
    sms_signature = models.CharField(
        "短信签名", max_length=20, blank=True, default="", help_text="短信开头的【签名】，如 华南汽车"
    )

    class Meta:
        verbose_name = verbose_name_plural = "门店"

    def __str__(self):
        return self.name

    @property
    def effective_legal_entity(self) -> str:
        return self.legal_entity or self.group.legal_entity


class Department(models.Model):
    class Kind(models.TextChoices):
        SALES = "sales", "销售部"
        AFTER_SALES = "after_sales", "售后服务部"
        CALL_CENTRE = "call_centre", "客服中心"
        QUALITY = "quality", "质量部"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="departments")
    kind = models.CharField("部门", max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        constraints = [models.UniqueConstraint(fields=["store", "kind"], name="uniq_department_kind")]

    def __str__(self):
        return f"{self.store} · {self.get_kind_display()}"


class Role(models.TextChoices):
    ADVISOR = "advisor", "服务顾问"
    TECHNICIAN = "technician", "技师"
    TEAM_LEADER = "team_leader", "班组长"
    CALL_CENTRE_AGENT = "call_centre_agent", "客服专员"
    SALESPERSON = "salesperson", "销售顾问"
    COMPLAINT_HANDLER = "complaint_handler", "投诉专员"
    STORE_MANAGER = "store_manager", "门店经理"
    GROUP_ADMIN = "group_admin", "集团管理员"


class User(AbstractUser):
    """A staff member. Group admins see every store of their group; others only their stores."""

    role = models.CharField("角色", max_length=30, choices=Role.choices, default=Role.ADVISOR)
    dealer_group = models.ForeignKey(
        DealerGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name="集团"
    )
    stores = models.ManyToManyField(Store, blank=True, related_name="staff", verbose_name="所属门店")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="部门"
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "员工"

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_group_admin(self) -> bool:
        return self.role == Role.GROUP_ADMIN

    def accessible_store_ids(self) -> frozenset[int]:
        """The stores whose rows this user may read and write (cached per user object)."""
        access = self.store_access()
        return access.open | access.gated

    def store_access(self) -> "StoreAccess":
        """Stores of the user's own legal entity are open; stores of another legal entity of the
        group are gated: their customers are visible only with the customer's separate consent to
        sharing within the group (PIPL Art. 23).

        Every API call needs this, so it is kept per user object and for STORE_ACCESS_CACHE_SECONDS
        in the process cache: a change of a user's stores applies within that time; disabling a
        user applies at once (the token and session checks read is_active on every request)."""
        cached = getattr(self, "_store_access", None)
        if cached is None:
            key = f"store_access:{self.pk}"
            cached = cache.get(key)
            if cached is None:
                stores = self._visible_stores()
                home = self._home_legal_entity(stores)
                cached = StoreAccess(
                    open=frozenset(s.id for s in stores if s.entity == home),
                    gated=frozenset(s.id for s in stores if s.entity != home),
                )
                cache.set(key, cached, settings.STORE_ACCESS_CACHE_SECONDS)
            self._store_access = cached
        return cached

    def _visible_stores(self) -> list["_StoreRow"]:
        """The user's stores with their legal entity, in one query (it runs on every API call)."""
        assigned = User.stores.through.objects.filter(user_id=self.pk, store_id=models.OuterRef("pk"))
        home = Department.objects.filter(pk=self.department_id, store_id=models.OuterRef("pk"))
        rows = Store.objects.filter(models.Q(group_id=self.dealer_group_id) | models.Q(staff=self)).distinct()
        rows = rows.annotate(mine=models.Exists(assigned), home=models.Exists(home)).values_list(
            "id", "legal_entity", "group__legal_entity", "mine", "home"
        )
        stores = [
            _StoreRow(pk, own or group_entity, group_entity, mine, is_home) for pk, own, group_entity, mine, is_home in rows
        ]
        return stores if self.is_group_admin else [s for s in stores if s.mine]

    def _home_legal_entity(self, stores: list["_StoreRow"]) -> str:
        if self.is_group_admin:
            return stores[0].group_entity if stores else ""
        home = next((s for s in stores if s.home), stores[0] if stores else None)
        return home.entity if home else ""

    def default_store_id(self) -> int | None:
        """Where a new record goes when the caller names no store: a single-store user's own store."""
        ids = self.accessible_store_ids()
        return next(iter(ids)) if len(ids) == 1 else None


@dataclass(frozen=True)
class _StoreRow:
    id: int
    entity: str
    group_entity: str
    mine: bool
    home: bool


@dataclass(frozen=True)
class StoreAccess:
    open: frozenset[int]
    gated: frozenset[int]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
        cls.objects.create(user=user, key_hash=_hash_token(raw), expires_at=expires)
        return raw

    @classmethod
    def revoke(cls, raw: str) -> None:
        cls.objects.filter(key_hash=_hash_token(raw)).delete()

    @classmethod
    def user_for(cls, raw: str):
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash_token(raw), expires_at__gt=timezone.now(), user__is_active=True)
            .first()
        )
        return token.user if token else None
