"""factory_boy factories for every model of the ledger.

Each factory builds a consistent little world on its own (a task's assignment goes to a
department of the document's region, a liaison gets a department, ...), so a test names only
what it cares about:

    TaskFactory(document=zhengzhou_document)
    UserFactory(liaison=True, department=insurance_bureau)
"""

import datetime
import hashlib
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from accounts.models import Role, User
from regions.models import Department, DepartmentAlias, Region
from tasks.models import (
    Assignment,
    Deadline,
    DocumentImport,
    Evidence,
    ExtensionRequest,
    Instruction,
    InstructionReply,
    PolicyDocument,
    ProgressUpdate,
    Reminder,
    Report,
    Target,
    TargetReading,
    Task,
    TaskChange,
    TaskStatus,
)

PASSWORD = "correct horse battery staple"


# Regions --------------------------------------------------------------------------------------


class RegionFactory(factory.django.DjangoModelFactory):
    """A province; CityFactory and CountyFactory build the levels below it.

    Codes come from one sequence shared by all three factories (factory_boy shares a counter
    between a factory and its subclasses), starting at 900000 so they never collide with the
    real GB/T 2260 codes the persona fixtures use.
    """

    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"测试省{n}")
    level = Region.Level.PROVINCE
    parent = None


ProvinceFactory = RegionFactory


class CityFactory(RegionFactory):
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = Region.Level.CITY
    parent = factory.SubFactory(ProvinceFactory)


class CountyFactory(RegionFactory):
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = Region.Level.COUNTY
    parent = factory.SubFactory(CityFactory)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    region = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"测试局{n}")
    kind = Department.Kind.GOVERNMENT_DEPARTMENT


class SubordinateGovernmentFactory(DepartmentFactory):
    """A county government, listed among the departments of its city (各县（区）人民政府)."""

    kind = Department.Kind.SUBORDINATE_GOVERNMENT
    governed_region = factory.SubFactory(CountyFactory, parent=factory.SelfAttribute("..region"))
    name = factory.LazyAttribute(lambda o: f"{o.governed_region.name}人民政府")


class DepartmentAliasFactory(factory.django.DjangoModelFactory):
    """An alias; its region is copied from the department by DepartmentAlias.save()."""

    class Meta:
        model = DepartmentAlias

    department = factory.SubFactory(DepartmentFactory)
    alias = factory.Sequence(lambda n: f"测试别名{n}")


# Users ----------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user with no role. Use the traits for one: UserFactory(office=True, region=city)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)
    role = ""

    class Params:
        office = factory.Trait(role=Role.OFFICE, region=factory.SubFactory(CityFactory))
        leader = factory.Trait(role=Role.LEADER, region=factory.SubFactory(CityFactory))
        liaison = factory.Trait(role=Role.LIAISON, department=factory.SubFactory(DepartmentFactory))
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class OfficeUserFactory(UserFactory):
    office = True


class LeaderFactory(UserFactory):
    leader = True


class LiaisonFactory(UserFactory):
    liaison = True


class SuperuserFactory(UserFactory):
    superuser = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"group{n}")


# Documents and tasks --------------------------------------------------------------------------


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument

    title = factory.Sequence(lambda n: f"2026年深化医药卫生体制改革重点工作任务（测试{n}）")
    doc_number = factory.Sequence(lambda n: f"医改办〔2026〕{n}号")
    issuer = "深化医药卫生体制改革领导小组办公室"
    region = factory.SubFactory(CityFactory)
    issued_on = datetime.date(2026, 3, 15)
    base_year = 2026
    kind = PolicyDocument.Kind.KEY_TASKS
    checksum = factory.Sequence(lambda n: hashlib.sha256(f"document {n}".encode()).hexdigest())
    # The suite's documents take completion requests without evidence, so that tests of other workflows
    # need not attach files; tests of the rule (tests/ledger/test_completion_evidence.py) set it, and
    # a document made without the factory takes settings.COMPLETION_EVIDENCE_REQUIRED (on).
    completion_evidence_required = False


class DocumentImportFactory(factory.django.DjangoModelFactory):
    """An uploaded document awaiting review, with a small in-memory file."""

    class Meta:
        model = DocumentImport

    class Params:
        content = "郑州市2026年深化医改重点工作任务\n一、推进DRG/DIP支付方式改革。".encode()

    original_name = "重点工作任务.txt"
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.original_name))
    checksum = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    region = factory.SubFactory(CityFactory)
    draft = factory.LazyFunction(lambda: {"title": "郑州市2026年深化医改重点工作任务", "tasks": []})
    text = factory.LazyAttribute(lambda o: o.content.decode())
    created_by = factory.SubFactory(OfficeUserFactory, region=factory.SelfAttribute("..region"))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    document = factory.SubFactory(PolicyDocumentFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda o: f"{o.position}.")
    section = "深化医保支付方式改革"
    text = factory.Sequence(lambda n: f"推进按病种付费改革，第{n}项任务。")
    status = TaskStatus.NOT_STARTED
    progress = 0


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A department of the document's region leading the task."""

    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..task.document.region"))
    role = Assignment.Role.LEAD
    text_as_written = factory.LazyAttribute(lambda o: o.department.name)


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline

    task = factory.SubFactory(TaskFactory)
    kind = Deadline.Kind.DATE
    due_on = datetime.date(2026, 6, 30)
    text = "2026年6月底前"
    year = 2026


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    task = factory.SubFactory(TaskFactory)
    text = "住院费用按病种付费占比达到90%以上"
    metric = "按病种付费占比"
    comparator = Target.Comparator.AT_LEAST
    value = Decimal("90")
    unit = "%"
    year = 2026


# Progress and evidence ------------------------------------------------------------------------


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """A report by a liaison of the department that leads the task."""

    class Meta:
        model = ProgressUpdate

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..task.document.region"))
    author = factory.SubFactory(LiaisonFactory, department=factory.SelfAttribute("..department"))
    status = TaskStatus.IN_PROGRESS
    percent = 50
    narrative = "已完成调研，正在起草实施方案。"


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A small in-memory PDF-ish file, stored under the test MEDIA_ROOT."""

    class Meta:
        model = Evidence

    class Params:
        content = b"%PDF-1.4\n% evidence for the test suite\n"

    update = factory.SubFactory(ProgressUpdateFactory)
    original_name = "会议纪要.pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.original_name))
    size = factory.LazyAttribute(lambda o: len(o.content))
    content_type = "application/pdf"
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_by = factory.SelfAttribute("update.author")


class TargetReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetReading

    update = factory.SubFactory(ProgressUpdateFactory)
    target = factory.SubFactory(TargetFactory, task=factory.SelfAttribute("..update.task"))
    value = Decimal("85")


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    """A lead department's request to move the task's deadline by three months."""

    class Meta:
        model = ExtensionRequest

    task = factory.SubFactory(TaskFactory)
    deadline = factory.SubFactory(DeadlineFactory, task=factory.SelfAttribute("..task"))
    department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..task.document.region"))
    requested_by = factory.SubFactory(LiaisonFactory, department=factory.SelfAttribute("..department"))
    current_due_on = factory.SelfAttribute("deadline.due_on")
    requested_due_on = datetime.date(2026, 9, 30)
    reason = "国家配套文件尚未出台，需顺延。"


# Background work ------------------------------------------------------------------------------


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    task = factory.SubFactory(TaskFactory)
    recipient = factory.SubFactory(LiaisonFactory)
    kind = Reminder.Kind.DUE_SOON
    sent_on = datetime.date(2026, 6, 23)
    message = "任务将于7日内到期，请及时报送进展。"


class ReportFactory(factory.django.DjangoModelFactory):
    """A department's monthly report."""

    class Meta:
        model = Report

    kind = Report.Kind.DEPARTMENT
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SelfAttribute("department.region")
    period = "2026-05"


class TaskChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskChange

    task = factory.SubFactory(TaskFactory)
    actor = factory.SubFactory(OfficeUserFactory)
    action = TaskChange.Action.UPDATED
    changes = factory.LazyFunction(lambda: {"status": ["not_started", "in_progress"]})


class InstructionFactory(factory.django.DjangoModelFactory):
    """A leader's 批示 on a task, answered by the given department."""

    class Meta:
        model = Instruction

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory)
    author = factory.SubFactory(LeaderFactory)
    text = "请加快推进，月底前报送进展。"


class InstructionReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructionReply

    instruction = factory.SubFactory(InstructionFactory)
    department = factory.SelfAttribute("instruction.department")
    author = factory.SubFactory(LiaisonFactory, department=factory.SelfAttribute("..department"))
    text = "已召开专题推进会，明确时间表。"
