from tasks.models.audit import TaskChange
from tasks.models.documents import DocumentImport, PolicyDocument
from tasks.models.jobs import Reminder, Report
from tasks.models.ledger import Assignment, Deadline, Target, Task, TaskQuerySet, TaskStatus
from tasks.models.progress import AppendOnlyError, Evidence, ProgressUpdate

__all__ = [
    "AppendOnlyError",
    "Assignment",
    "Deadline",
    "DocumentImport",
    "Evidence",
    "PolicyDocument",
    "ProgressUpdate",
    "Reminder",
    "Report",
    "Target",
    "Task",
    "TaskChange",
    "TaskQuerySet",
    "TaskStatus",
]
