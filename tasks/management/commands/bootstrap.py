from django.core.management.base import BaseCommand, CommandError

from accounts.services import AccountError
from tasks import demo
from tasks.imports.services.importing import DocumentImportError


class Command(BaseCommand):
    help = "Load reference data (regions, departments, aliases); with --demo also seed documents and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="store the seed documents and create demo accounts"
        )

    def handle(self, *args, **options):
        demo.load_reference_data(verbosity=0)
        self.stdout.write("reference data loaded")
        if not options["demo"]:
            return
        try:
            documents = demo.import_seed_documents()
            accounts = demo.create_demo_accounts()
            activity = demo.seed_demo_activity()
        except (AccountError, DocumentImportError) as error:
            raise CommandError(str(error)) from None
        for document, created in documents:
            state = "imported" if created else "already imported"
            self.stdout.write(f"document {state}: {document} ({document.tasks.count()} tasks)")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {demo.DEMO_PASSWORD})"))
        for user, state in accounts:
            role = user.get_role_display() if user.role else "superuser"
            scope = user.department or user.region or ""
            self.stdout.write(f"  {user.username:<12} {role} {scope} [{state}]")
        for line in activity:
            self.stdout.write(f"demo activity: {line}")
