class IdConverter:
    """A database id in a page URL: at most 18 digits, so it always fits a BIGINT (else 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
