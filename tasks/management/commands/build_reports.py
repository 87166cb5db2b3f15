from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from regions.models import Department
from tasks.reports.services.department import build_report, departments_with_tasks, queue_report
from tasks.reports.services.periods import parse_period


class Command(BaseCommand):
    help = (
        "Build the department reports of a period now, in this process: every department with tasks, "
        "or the one named. A report already handed in is left as it is; others are built again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month reported on, YYYY-MM")
        parser.add_argument(
            "--department", help="the department's name (default: every department with tasks)"
        )

    def handle(self, *args, **options):
        period = options["period"]
        try:
            parse_period(period)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        if options["department"]:
            departments = list(Department.objects.filter(name=options["department"]).select_related("region"))
            if not departments:
                raise CommandError(f"No department is named {options['department']!r}.")
            if len(departments) > 1:
                regions = ", ".join(d.region.name for d in departments)
                raise CommandError(
                    f"{len(departments)} departments are named {options['department']!r} ({regions})."
                )
        else:
            departments = list(departments_with_tasks().select_related("region"))
        for department in departments:
            with transaction.atomic():
                report, build = queue_report(department, period, rebuild=True)
            status = build_report(report.pk) if build else report.status
            report.refresh_from_db()
            line = f"{department.name} {period}: {status}"
            if report.file:
                line += f" ({report.file.name})"
            if report.error:
                line += f" — {report.error}"
            self.stdout.write(line)
        self.stdout.write(f"{period}: {len(departments)} report(s)")
