from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Task ledger")

    def ready(self) -> None:
        from django.utils import translation

        # Keeps Task.due_on and TaskScope in step with single saves; see tasks/models/derived.py.
        from tasks import i18n, signals  # noqa: F401

        # The pure modules (workbooks, numbers) translate through Django once it runs.
        i18n.install(translation.gettext, translation.ngettext)
