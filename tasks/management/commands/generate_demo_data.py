from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from tasks import demo, demo_data


class Command(BaseCommand):
    help = (
        "Add synthetic documents and tasks (assignments, deadlines, targets, progress) for load tests; "
        "--clear removes only generated data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, help="number of tasks to add (required unless --clear)")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed; the same seed gives the same data"
        )
        parser.add_argument("--batch", type=int, default=5000, help="tasks per transaction")
        parser.add_argument("--clear", action="store_true", help="delete generated documents and their tasks")

    def handle(self, *args, **options):
        if options["clear"]:
            documents, tasks = demo_data.clear_generated()
            self.stdout.write(f"deleted {documents} generated documents and {tasks} tasks")
            if not options["tasks"]:
                return
        if not options["tasks"] or options["tasks"] < 1:
            raise CommandError("--tasks N (a positive number) is required")
        if not Region.objects.exists():
            # Same as `manage.py bootstrap`: departments and regions come from the fixtures.
            demo.load_reference_data()
            self.stdout.write("reference data loaded")

        def report(done: int, total: int) -> None:
            self.stdout.write(f"tasks {done}/{total}")

        result = demo_data.generate(
            options["tasks"], seed=options["seed"], batch_size=options["batch"], progress=report
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"run {result.run}: {result.documents} documents, {result.tasks} tasks, "
                f"{result.assignments} assignments, {result.deadlines} deadlines, {result.targets} targets, "
                f"{result.progress_updates} progress updates"
            )
        )
