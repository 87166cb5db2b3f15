import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.services import AccountError, create_account, find_department, find_region


class Command(BaseCommand):
    help = "Create a portal account with a role (password from stdin when --password is not given)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", metavar="CODE", help="GB/T 2260 code of the region")
        parser.add_argument("--department", metavar="NAME", help="department name or alias (liaisons)")
        parser.add_argument("--password")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        try:
            region = find_region(options["region"]) if options["region"] else None
            department = find_department(options["department"], region) if options["department"] else None
            password = options["password"] or self._read_password()
            user = create_account(
                options["username"],
                role=options["role"],
                password=password,
                region=region,
                department=department,
                full_name=options["name"],
                email=options["email"],
            )
        except AccountError as error:
            raise CommandError(str(error)) from None
        scope = user.department or user.region
        self.stdout.write(
            self.style.SUCCESS(
                _("Created %(username)s (%(role)s, %(scope)s).")
                % {"username": user.username, "role": user.get_role_display(), "scope": scope}
            )
        )

    def _read_password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass(_("Password: "))
            if first != getpass.getpass(_("Password (again): ")):
                raise CommandError(_("The two passwords differ."))
            return first
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError(_("No password given: pass --password or write it on standard input."))
        return password
