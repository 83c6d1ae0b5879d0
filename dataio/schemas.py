from ninja import Field, Schema


class TargetOut(Schema):
    key: str
    label: str
    required: bool


class BatchOut(Schema):
    id: int
    store_id: int
    kind: str
    file_name: str
    file_format: str
    encoding: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    columns: list[str]
    mapping: dict[str, str]
    total_rows: int
    percent: int
    error_count: int
    warning_count: int
    detail: str
    counts: dict = Field(default_factory=dict)
    errors: list[list] = Field(default_factory=list, description="前 100 条错误：[行号, 列, 说明]")
    can_commit: bool

    @staticmethod
    def resolve_counts(obj):
        return obj.report.get("counts", {})

    @staticmethod
    def resolve_errors(obj):
        return obj.report.get("errors", [])[:100]


class BatchPage(Schema):
    items: list[BatchOut]
    count: int
    limit: int
    offset: int


class MappingIn(Schema):
    mapping: dict[str, str] = Field(..., description='{目标字段: 文件列名}，例如 {"name": "客户姓名", "mobile": "联系电话"}')
