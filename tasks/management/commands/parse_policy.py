import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from regions.resolve import DepartmentResolver
from tasks.imports.services.importing import DocumentImportError, parse_upload, region_named
from tasks.management.reading import read_file


def resolved_contract(parsed, resolver: DepartmentResolver | None) -> dict:
    """The parser's JSON contract, with department names resolved where a region is known."""
    data = parsed.to_dict()
    if resolver is None:
        return data
    for task, out in zip(parsed.tasks, data["tasks"], strict=True):
        for people, rows in ((task.lead, out["lead"]), (task.co, out["co"])):
            for assignee, row in zip(people, rows, strict=True):
                found = resolver.resolve(assignee.text, assignee.normalized).department
                row["department"] = found.name if found else None
        for item, row in zip(task.collective, out["collective"], strict=True):
            row["departments"] = [d.name for d in resolver.collective(item.text)]
    return data


def _names(rows: list[dict]) -> str:
    return "、".join(row["text"] + ("" if row["department"] else "（未匹配）") for row in rows)


class Command(BaseCommand):
    help = "Parse a policy document and print what was found; writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--region", metavar="CODE", help="resolve department names in this region")

    def handle(self, *args, **options):
        path = Path(options["path"])
        data = read_file(path)
        try:
            parsed = parse_upload(data, path.name)
        except DocumentImportError as error:
            raise CommandError(str(error)) from None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"没有代码为 {options['region']} 的地区。")
        else:
            region = region_named(parsed.region)
        contract = resolved_contract(parsed, DepartmentResolver(region) if region else None)
        if options["format"] == "json":
            self.stdout.write(json.dumps(contract, ensure_ascii=False))
            return
        self._print_text(contract)

    def _print_text(self, doc: dict) -> None:
        write = self.stdout.write
        write(f"标题：{doc['title'] or '（未识别）'}")
        write(
            f"文号：{doc['doc_number'] or '—'}    发文机关：{doc['issuer'] or '—'}    成文日期：{doc['issued_on'] or '—'}"
        )
        write(f"地区：{doc['region'] or '—'}    任务数：{len(doc['tasks'])}")
        for task in doc["tasks"]:
            write("")
            write(f"[{' / '.join(task['path']) or '—'}] {task['text'][:80]}")
            if task.get("measures"):
                write(f"    措施：{task['measures'][:80]}")
            if task["lead"]:
                write(f"    牵头：{_names(task['lead'])}")
            if task["co"]:
                write(f"    配合：{_names(task['co'])}")
            for item in task["collective"]:
                write(f"    集体：{item['text']}（{len(item['departments'])} 个单位）")
            for deadline in task["deadlines"]:
                write(f"    时限：{deadline['text']} → {deadline['date'] or deadline['kind']}")
            for target in task["targets"]:
                write(
                    f"    目标：{target['text']}（{target['op']} {target['value']} {target['unit'] or ''}）"
                )
        for warning in doc["warnings"]:
            write(f"提示：{warning}")
