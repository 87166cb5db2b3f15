from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from tasks.imports.services.importing import (
    DocumentImportError,
    build_draft,
    import_document,
    parse_upload,
    region_named,
)
from tasks.management.reading import read_file


class Command(BaseCommand):
    help = "Import a policy document (the same result as confirming the review screen unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--region", metavar="CODE", help="the region the document belongs to")
        parser.add_argument("--dry-run", action="store_true", help="check and report, then roll back")

    def handle(self, *args, **options):
        path = Path(options["path"])
        data = read_file(path)
        try:
            parsed = parse_upload(data, path.name)
            region = self._region(options["region"], parsed.region)
            draft = build_draft(parsed, region)
            result = import_document(
                draft,
                region=region,
                data=data,
                filename=path.name,
                text=parsed.text,
                dry_run=options["dry_run"],
            )
        except DocumentImportError as error:
            raise CommandError(str(error)) from None
        verb = "将" if options["dry_run"] else "已"
        state = "新建" if result.created else "更新"
        self.stdout.write(
            f"{verb}{state}文件：{result.document}（{region.name}）：新增任务 {result.tasks_created} 项，"
            f"更新 {result.tasks_updated} 项，保留 {result.tasks_kept} 项，删除 {result.tasks_removed} 项。"
        )
        unmatched = sorted(
            {a["text"] for t in draft["tasks"] for a in t["assignees"] if a["department_id"] is None}
        )
        if unmatched:
            self.stdout.write("未匹配的部门名称（未建立分工）：" + "、".join(unmatched))
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
        if options["dry_run"]:
            self.stdout.write("试运行：未写入任何数据。")

    def _region(self, code: str | None, parsed_name: str | None) -> Region:
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise DocumentImportError(f"没有代码为 {code} 的地区。")
            return region
        region = region_named(parsed_name)
        if region is None:
            raise DocumentImportError(
                f"无法从文件确定所属地区（识别为“{parsed_name or '未知'}”），请用 --region 指定地区代码。"
            )
        return region
