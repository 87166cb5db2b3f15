from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tasks.models import derived


class Command(BaseCommand):
    help = (
        "Recompute the derived task data (due dates and visibility scopes) from the ledger; "
        "--check only reports differences and fails if there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report differences, change nothing")

    def handle(self, *args, **options):
        if options["check"]:
            problems = derived.check()
            for problem in problems[:50]:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} derived value(s) differ from the ledger")
            self.stdout.write("derived data consistent")
            return
        with transaction.atomic():
            count = derived.refresh_all()
        self.stdout.write(f"recomputed the derived data of {count} tasks")
