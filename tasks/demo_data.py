"""Synthetic ledger data for load tests and demos: `manage.py generate_demo_data --tasks N`.

Documents (about one per 40 tasks) across the provinces and cities that have departments in the
reference data, each with tasks in sections, lead and cooperating assignments, deadlines, targets,
statuses, progress and some progress updates. Everything is bulk-inserted in batches, each batch
in its own transaction. The same seed gives the same data; every run adds a new batch of documents
whose titles carry GENERATED_MARKER and the run number, which is how `--clear` finds them.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from regions.models import Department, Region
from tasks.models import (
    Assignment,
    Deadline,
    Evidence,
    PolicyDocument,
    ProgressUpdate,
    Target,
    TargetReading,
    Task,
    TaskStatus,
    derived,
)

GENERATED_MARKER = "【生成数据"
TASKS_PER_DOCUMENT = 40
GENERATOR_USERNAME = "demo_data_generator"
# Regions whose documents are generated, with their weights (河南 gets the most, for the benchmark).
REGION_WEIGHTS = {
    "410000": 1,
    "410100": 5,
    "430000": 3,
    "512000": 2,
    "140000": 1,
    "140900": 1,
}
MIN_GOVERNMENT_DEPARTMENTS = 6
GENERIC_DEPARTMENTS = [
    "卫生健康委员会",
    "医疗保障局",
    "财政局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "发展和改革委员会",
    "民政局",
    "教育局",
]
STATUS_WEIGHTS = [
    (TaskStatus.NOT_STARTED, 18),
    (TaskStatus.IN_PROGRESS, 52),
    (TaskStatus.PENDING_VERIFICATION, 6),
    (TaskStatus.COMPLETED, 20),
    (TaskStatus.SUSPENDED, 4),
]
KIND_WEIGHTS = [
    (PolicyDocument.Kind.KEY_TASKS, 5),
    (PolicyDocument.Kind.IMPLEMENTATION_PLAN, 3),
    (PolicyDocument.Kind.NOTICE, 1),
    (PolicyDocument.Kind.MEETING_MINUTES, 1),
]
GENRES = ["深化医药卫生体制改革重点工作任务", "深化医改近期重点工作", "医改重点任务分工方案", "医改工作要点"]
SECTIONS = [
    "深化医疗保障制度改革",
    "推进公立医院高质量发展",
    "健全分级诊疗体系",
    "促进医药领域协同发展",
    "加强基层医疗卫生服务",
    "推进公共卫生体系建设",
    "深化人事薪酬制度改革",
    "强化综合监管",
    "推动中医药传承创新",
    "加强医改组织实施",
]
VERBS = ["全面推进", "持续深化", "稳步实施", "加快推进", "进一步完善", "探索建立", "健全", "巩固提升"]
OBJECTS = [
    "DRG/DIP支付方式改革",
    "紧密型县域医共体建设",
    "公立医院薪酬制度改革",
    "药品和医用耗材集中带量采购",
    "医疗服务价格动态调整机制",
    "家庭医生签约服务",
    "检查检验结果互认",
    "智慧医院和互联网医疗建设",
    "基本公共卫生服务项目",
    "医保基金常态化监管",
    "城市医疗集团网格化布局",
    "村卫生室标准化建设",
    "职工医保门诊共济保障",
    "中医药服务能力提升工程",
    "全民健康信息平台建设",
]
PURPOSES = [
    "，提高群众就医获得感。",
    "，推动优质医疗资源扩容下沉。",
    "，确保各项政策落地见效。",
    "，切实减轻群众就医负担。",
    "，形成可复制可推广的经验。",
    "。",
]
METRICS = [
    ("DRG/DIP付费医疗机构覆盖率", "%", Target.Comparator.AT_LEAST, (70, 100)),
    ("县域内就诊率", "%", Target.Comparator.AT_LEAST, (85, 95)),
    ("家庭医生签约服务覆盖率", "%", Target.Comparator.AT_LEAST, (40, 80)),
    ("公立医院医疗服务收入占比", "%", Target.Comparator.AT_LEAST, (30, 40)),
    ("个人卫生支出占卫生总费用比例", "%", Target.Comparator.AT_MOST, (25, 28)),
    ("新建标准化村卫生室", "个", Target.Comparator.AT_LEAST, (10, 200)),
]
NARRATIVES = [
    "已制定实施方案并印发。",
    "已召开专题推进会，明确责任分工。",
    "已完成前期调研，正在起草配套文件。",
    "试点工作有序开展，进度符合预期。",
    "受资金拨付影响，进度略有滞后。",
    "已完成年度目标任务，正在总结经验。",
]
CN_NUMERALS = "一二三四五六七八九十"
CN_ROUND = [f"（{n}）" for n in CN_NUMERALS] + [f"（十{n}）" for n in CN_NUMERALS[:9]]


@dataclass
class RegionPlan:
    region: Region
    # Government departments and other bodies (leads and cooperating), subordinate governments.
    departments: list[int]
    governments: list[int]


@dataclass(frozen=True)
class GenerationResult:
    run: int
    documents: int
    tasks: int
    assignments: int
    deadlines: int
    targets: int
    progress_updates: int


def generated_documents() -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.filter(title__contains=GENERATED_MARKER)


def _generator_user() -> User:
    # Progress updates need an author; an inactive account that cannot log in writes them.
    user, created = User.objects.get_or_create(
        username=GENERATOR_USERNAME, defaults={"is_active": False, "first_name": "生成数据"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _region_plans() -> list[tuple[RegionPlan, int]]:
    """The regions to generate for, topped up with generic departments where the fixtures have few."""
    plans = []
    for code, weight in REGION_WEIGHTS.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        departments = list(
            Department.objects.filter(region=region)
            .exclude(kind=Department.Kind.SUBORDINATE_GOVERNMENT)
            .values_list("pk", flat=True)
        )
        if len(departments) < MIN_GOVERNMENT_DEPARTMENTS:
            for name in GENERIC_DEPARTMENTS:
                department, _created = Department.objects.get_or_create(
                    region=region, name=f"{region.name}{name}"
                )
                if department.pk not in departments:
                    departments.append(department.pk)
        governments = list(Department.objects.subordinate_governments_of(region).values_list("pk", flat=True))
        plans.append((RegionPlan(region, sorted(departments), sorted(governments)), weight))
    if not plans:
        raise ValueError("no reference regions: run `manage.py bootstrap` first")
    return plans


def _next_run() -> int:
    runs = [0]
    for title in generated_documents().values_list("title", flat=True):
        match = re.search(GENERATED_MARKER + r"·第(\d+)批", title)
        if match:
            runs.append(int(match.group(1)))
    return max(runs) + 1


def _deadline(rng: random.Random, task: Task) -> Deadline:
    roll = rng.random()
    if roll < 0.8:
        year = rng.choice([2025, 2026, 2026, 2026, 2027])
        month = rng.choice([3, 6, 6, 9, 12, 12, 12])
        end = datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)
        text = f"{year}年底前" if month == 12 else f"{year}年{month}月底前"
        return Deadline(task=task, kind=Deadline.Kind.DATE, due_on=end, year=year, text=text)
    if roll < 0.93:
        return Deadline(task=task, kind=Deadline.Kind.ONGOING, text=rng.choice(["长期坚持", "持续推进"]))
    return Deadline(task=task, kind=Deadline.Kind.RECURRING, text=rng.choice(["每季度", "每年", "每半年"]))


def _target(rng: random.Random, task: Task) -> Target:
    metric, unit, comparator, (low, high) = rng.choice(METRICS)
    value = Decimal(rng.randint(low, high))
    year = rng.choice([2025, 2026, 2027])
    words = "以上" if comparator == Target.Comparator.AT_LEAST else "以下"
    target = Target(
        task=task,
        text=f"到{year}年，{metric}达到{value}{unit}{words}",
        metric=metric,
        comparator=comparator,
        value=value,
        unit=unit,
        year=year,
    )
    if rng.random() < 0.5:
        target.latest_actual = (value * Decimal(rng.uniform(0.7, 1.15))).quantize(Decimal("0.1"))
    # bulk_create skips save(), which derives `attained`.
    target.attained = target.compute_attained()
    return target


def _status_and_progress(rng: random.Random) -> tuple[str, int]:
    status = rng.choices([s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS])[0]
    if status == TaskStatus.NOT_STARTED:
        return status, 0
    if status == TaskStatus.IN_PROGRESS:
        return status, rng.randrange(10, 95, 5)
    if status == TaskStatus.SUSPENDED:
        return status, rng.randrange(0, 55, 5)
    return status, 100


def _documents(
    rng: random.Random, plans: list[tuple[RegionPlan, int]], total_tasks: int, run: int
) -> list[tuple[PolicyDocument, RegionPlan, int]]:
    """Unsaved documents with their region plan and number of tasks; sizes sum to total_tasks."""
    regions = [plan for plan, _w in plans]
    weights = [weight for _p, weight in plans]
    result = []
    remaining = total_tasks
    index = 0
    while remaining > 0:
        size = min(remaining, rng.randint(TASKS_PER_DOCUMENT // 2, TASKS_PER_DOCUMENT * 3 // 2))
        plan = rng.choices(regions, weights)[0]
        year = rng.choice([2025, 2026, 2026, 2027])
        index += 1
        issued = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 150))
        checksum = hashlib.sha256(f"generated:{run}:{index}".encode()).hexdigest()
        document = PolicyDocument(
            title=f"{plan.region.name}{year}年{rng.choice(GENRES)}{GENERATED_MARKER}·第{run}批·{index}】",
            doc_number=f"{plan.region.name[:2]}医改〔{year}〕{rng.randint(1, 60)}号",
            issuer=f"{plan.region.name}深化医药卫生体制改革领导小组",
            region=plan.region,
            issued_on=issued,
            base_year=year,
            kind=rng.choices([k for k, _w in KIND_WEIGHTS], [w for _k, w in KIND_WEIGHTS])[0],
            checksum=checksum,
        )
        result.append((document, plan, size))
        remaining -= size
    return result


def _task_specs(rng: random.Random, document: PolicyDocument, size: int) -> list[Task]:
    """A document's tasks in outline order: sections 一、二、… each holding items （一）（二）…"""
    sections = rng.sample(SECTIONS, k=min(len(SECTIONS), max(1, size // 6)))
    tasks = []
    for position in range(1, size + 1):
        section_index = (position - 1) * len(sections) // size
        heading = f"{CN_NUMERALS[section_index]}、{sections[section_index]}"
        first_in_section = next(
            p for p in range(1, size + 1) if (p - 1) * len(sections) // size == section_index
        )
        label = CN_ROUND[min(position - first_in_section, len(CN_ROUND) - 1)]
        status, progress = _status_and_progress(rng)
        text = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}{rng.choice(PURPOSES)}"
        tasks.append(
            Task(
                document=document,
                position=position,
                label=label,
                outline_path=[heading, label],
                section=sections[section_index],
                text=text,
                status=status,
                progress=progress,
            )
        )
    return tasks


def _assignments(rng: random.Random, task: Task, plan: RegionPlan) -> list[Assignment]:
    count = rng.choices([1, 2, 3], [35, 40, 25])[0]
    chosen = rng.sample(plan.departments, k=min(count, len(plan.departments)))
    result = [
        Assignment(
            task=task, department_id=pk, role=Assignment.Role.LEAD if i == 0 else Assignment.Role.COOPERATING
        )
        for i, pk in enumerate(chosen)
    ]
    if plan.governments and rng.random() < 0.1:
        # A collective assignee: every subordinate government, named once as written.
        result.extend(
            Assignment(
                task=task,
                department_id=pk,
                role=Assignment.Role.COOPERATING,
                collective_text="各县（区）人民政府",
            )
            for pk in plan.governments
        )
    return result


def generate(
    total_tasks: int,
    *,
    seed: int = 1,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Add `total_tasks` generated tasks (and their documents) to the ledger; returns the counts."""
    if total_tasks < 1:
        raise ValueError("the number of tasks must be positive")
    rng = random.Random(seed)
    plans = _region_plans()
    author = _generator_user()
    run = _next_run()
    documents = _documents(rng, plans, total_tasks, run)
    with transaction.atomic():
        PolicyDocument.objects.bulk_create([document for document, _p, _s in documents], batch_size=1000)

    counts = {"assignments": 0, "deadlines": 0, "targets": 0, "progress_updates": 0}
    done = 0
    pending: list[tuple[PolicyDocument, RegionPlan, int]] = []
    pending_tasks = 0
    for index, entry in enumerate(documents):
        pending.append(entry)
        pending_tasks += entry[2]
        if pending_tasks >= batch_size or index == len(documents) - 1:
            _write_batch(rng, pending, author, counts)
            done += pending_tasks
            pending, pending_tasks = [], 0
            if progress is not None:
                progress(done, total_tasks)
    return GenerationResult(run=run, documents=len(documents), tasks=done, **counts)


def _write_batch(
    rng: random.Random,
    documents: list[tuple[PolicyDocument, RegionPlan, int]],
    author: User,
    counts: dict[str, int],
) -> None:
    tasks: list[Task] = []
    plan_of: list[RegionPlan] = []
    for document, plan, size in documents:
        document_tasks = _task_specs(rng, document, size)
        tasks.extend(document_tasks)
        plan_of.extend([plan] * len(document_tasks))
    with transaction.atomic():
        # Primary keys come back from the insert (PostgreSQL, SQLite 3.35+), so children can refer to them.
        Task.objects.bulk_create(tasks, batch_size=2000)
        assignments, deadlines, targets, updates = [], [], [], []
        for task, plan in zip(tasks, plan_of, strict=True):
            task_assignments = _assignments(rng, task, plan)
            assignments.extend(task_assignments)
            deadlines.extend(_deadline(rng, task) for _n in range(rng.choices([0, 1, 2], [10, 65, 25])[0]))
            targets.extend(_target(rng, task) for _n in range(rng.choices([0, 1, 2], [70, 22, 8])[0]))
            if task.status != TaskStatus.NOT_STARTED and rng.random() < 0.35:
                lead = task_assignments[0].department_id
                for step in range(rng.randint(1, 2)):
                    updates.append(
                        ProgressUpdate(
                            task=task,
                            department_id=lead,
                            author=author,
                            status=task.status,
                            percent=task.progress if step else task.progress // 2,
                            narrative=rng.choice(NARRATIVES),
                        )
                    )
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        Deadline.objects.bulk_create(deadlines, batch_size=5000)
        Target.objects.bulk_create(targets, batch_size=5000)
        ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
        # bulk_create sends no signals: the due dates and scopes of the batch, in its transaction.
        derived.refresh_tasks([task.pk for task in tasks])
    counts["assignments"] += len(assignments)
    counts["deadlines"] += len(deadlines)
    counts["targets"] += len(targets)
    counts["progress_updates"] += len(updates)


@transaction.atomic
def clear_generated() -> tuple[int, int]:
    """Delete the generated documents with everything under them; returns (documents, tasks).

    ProgressUpdate is append-only (its manager and model refuse delete) and PROTECTs its task, so
    the documents cannot simply be deleted. Only here, and only for updates on tasks of generated
    documents (found by the title marker no imported document carries), are they removed with
    `_raw_delete`: one DELETE that skips the append-only guard. Their readings and evidence rows,
    which cascade from an update, go first through the ordinary delete so no foreign key dangles.
    Everything else (tasks, assignments, deadlines, targets, audit rows) cascades from the
    documents in the normal way. Generic departments added for thin regions are reference-like
    and stay.
    """
    documents = generated_documents()
    tasks = Task.objects.filter(document__in=documents)
    task_count = tasks.count()
    updates = ProgressUpdate.objects.filter(task__in=tasks)
    TargetReading.objects.filter(update__in=updates).delete()
    Evidence.objects.filter(update__in=updates).delete()
    updates._raw_delete(updates.db)
    document_count = documents.count()
    documents.delete()
    return document_count, task_count
