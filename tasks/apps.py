from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Task ledger")

    def ready(self) -> None:
        # Keeps Task.due_on and TaskScope in step with single saves; see tasks/models/derived.py.
        from tasks import signals  # noqa: F401
