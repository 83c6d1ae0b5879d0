"""python manage.py import_customers FILE --store S --mapping M.json [--kind history] [--dry-run]

The same pipeline as the 数据导入 page, in the foreground: read (encoding detected), dry run, and —
unless --dry-run or there are errors — the all-or-nothing commit. M is a JSON object
{"target": "file column"}, e.g. {"name": "客户姓名", "mobile": "联系电话", "vin": "车架号"}; without
--mapping the column names are matched to the known synonyms. Errors go to FILE.errors.csv.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Store, User
from core.errors import DomainError
from dataio import services
from dataio.models import ImportBatch, ImportKind


class Command(BaseCommand):
    help = "导入其他 DMS 导出的客户与车辆（或保养记录与里程）：xlsx 或 CSV（UTF-8/GBK）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--store", required=True, help="门店编码（如 GZ01）或编号")
        parser.add_argument("--mapping", help="JSON 文件：{目标字段: 文件列名}")
        parser.add_argument("--kind", default=ImportKind.CUSTOMERS, choices=ImportKind.values)
        parser.add_argument("--user", help="记为创建人的用户名（可选）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        store = self._store(options["store"])
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        if options["user"] and user is None:
            raise CommandError(f"没有用户 {options['user']}")
        try:
            batch = services.import_upload(
                user=user, kind=options["kind"], file_name=path.name, data=path.read_bytes(), store_id=store.id
            )
            mapping = self._mapping(options["mapping"]) if options["mapping"] else batch.mapping
            batch = services.import_check(user=user, batch=batch, mapping=mapping, run_now=True)
            if batch.can_commit and not options["dry_run"]:
                batch = services.import_commit(user=user, batch=batch, run_now=True)
        except DomainError as exc:
            raise CommandError(f"{exc.detail}：{json.dumps(exc.errors, ensure_ascii=False)}") from None
        self._print(batch, path)
        if batch.status != ImportBatch.Status.DONE and not (options["dry_run"] and batch.can_commit):
            raise CommandError(f"未导入（{batch.get_status_display()}）：没有写入任何数据")

    @staticmethod
    def _store(value: str) -> Store:
        store = Store.objects.filter(code=value).first() or (Store.objects.filter(pk=value).first() if value.isdigit() else None)
        if store is None:
            raise CommandError(f"没有门店 {value}")
        return store

    @staticmethod
    def _mapping(path: str) -> dict:
        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取列对应文件 {path}：{exc}") from None

    def _print(self, batch: ImportBatch, path: Path) -> None:
        self.stdout.write(f"批次 #{batch.pk}：{batch.get_status_display()}，{batch.total_rows} 行，编码 {batch.encoding or '-'}")
        for key, value in batch.report.get("counts", {}).items():
            self.stdout.write(f"  {key}: {value}")
        if batch.detail:
            self.stdout.write(f"  {batch.detail}")
        if batch.error_count or batch.warning_count:
            report = path.with_name(path.name + ".errors.csv")
            report.write_bytes(services.error_report_csv(batch))
            self.stdout.write(f"  错误 {batch.error_count} 条，提示 {batch.warning_count} 条，报告：{report}")
