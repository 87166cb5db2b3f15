from tasks.models.audit import TaskChange
from tasks.models.documents import DocumentImport, PolicyDocument
from tasks.models.extensions import ExtensionRequest
from tasks.models.ledger import Assignment, Deadline, Target, Task, TaskQuerySet, TaskStatus
from tasks.models.notices import (
    Channel,
    Delivery,
    Escalation,
    Event,
    EventKind,
    Instruction,
    InstructionReply,
    Notification,
    Robot,
)
from tasks.models.periods import DepartmentSnapshot, PeriodClosing, TaskSnapshot
from tasks.models.progress import AppendOnlyError, Evidence, ProgressUpdate, TargetReading
from tasks.models.reminders import Reminder
from tasks.models.reports import Report, ReportBatch, ReportRowReturn
from tasks.models.scope import TaskScope

__all__ = [
    "Channel",
    "Delivery",
    "Escalation",
    "Event",
    "EventKind",
    "Instruction",
    "InstructionReply",
    "Notification",
    "Robot",
    "AppendOnlyError",
    "Assignment",
    "Deadline",
    "DepartmentSnapshot",
    "DocumentImport",
    "Evidence",
    "ExtensionRequest",
    "PeriodClosing",
    "PolicyDocument",
    "ProgressUpdate",
    "Reminder",
    "Report",
    "ReportBatch",
    "ReportRowReturn",
    "Target",
    "TargetReading",
    "Task",
    "TaskChange",
    "TaskQuerySet",
    "TaskScope",
    "TaskSnapshot",
    "TaskStatus",
]
