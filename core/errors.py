"""Domain errors raised by services; the API and the views turn them into 4xx responses."""


class DomainError(Exception):
    """Base class: a rule of the brief forbids what was asked."""

    status = 409

    def __init__(self, detail: str, errors: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class InvalidInput(DomainError):
    """Input that is well-formed JSON but breaks a field rule (→ 422 with field messages)."""

    status = 422

    def __init__(self, errors: dict[str, str], detail: str = "提交的数据有误"):
        super().__init__(detail, errors)


def full_clean_or_invalid(instance, **options) -> None:
    """Run Django's model validation (choices, lengths) and report it as field errors."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        raise InvalidInput({field: "；".join(messages) for field, messages in exc.message_dict.items()}) from None


class Forbidden(DomainError):
    """The user's role does not allow this action (DOMAIN §14: least privilege) → 403."""

    status = 403

    def __init__(self, detail: str = "您的角色无权执行此操作"):
        super().__init__(detail)


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, illegal transition) → 409."""

    status = 409


class DuplicateCustomer(Conflict):
    """DOMAIN §2: the same mobile already belongs to a customer of this store — offer a merge."""

    def __init__(self, existing_customer_id: int, field: str = "mobile"):
        super().__init__(
            "该手机号已属于本店的客户，请打开已有客户档案或合并。",
            {field: "该手机号已存在于本店客户档案中"},
        )
        self.existing_customer_id = existing_customer_id
