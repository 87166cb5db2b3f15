import os
import tempfile
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from regions.models import Region
from tasks.models import TaskScope
from tasks.reports.services.ledger import write_ledger
from tasks.reports.services.periods import parse_period, previous_period


class Command(BaseCommand):
    help = (
        "Write a region's ledger (台账) and department ranking (通报) to an .xlsx file, in this process. "
        "--region may be left out when exactly one province has tasks."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="the .xlsx file to write")
        parser.add_argument("--region", help="the region's GB/T 2260 code, e.g. 410100")
        parser.add_argument(
            "--period", help="YYYY-MM: the month whose department reports are ranked (default: last month)"
        )
        parser.add_argument(
            "--as-of",
            action="store_true",
            help="the ledger as frozen when --period was closed (tasks/periods); refused if it was not",
        )

    def handle(self, *args, **options):
        region = self._region(options["region"])
        today = timezone.localdate()
        period = options["period"] or previous_period(today)
        try:
            parse_period(period)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"cannot write {out}: the folder {out.parent} does not exist")
        started = time.perf_counter()
        # Written next to the target and renamed once complete, so a failure leaves no half file.
        try:
            handle, partial = tempfile.mkstemp(suffix=".xlsx.part", dir=out.parent)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        os.close(handle)
        try:
            rows = write_ledger(region, partial, today=today, period=period, as_of=options["as_of"])
            os.replace(partial, out)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        finally:
            Path(partial).unlink(missing_ok=True)
        self.stdout.write(
            f"{region.code} {region.name}: {rows} rows written to {out} in {time.perf_counter() - started:.1f} s"
        )

    def _region(self, code: str | None) -> Region:
        if code:
            try:
                return Region.objects.get(code=code)
            except Region.DoesNotExist:
                raise CommandError(f"no region with code {code!r}") from None
        provinces = list(
            Region.objects.filter(parent__isnull=True)
            .filter(Exists(TaskScope.objects.filter(region=OuterRef("pk"))))
            .order_by("code")[:2]
        )
        if len(provinces) != 1:
            found = "no province has tasks" if not provinces else "several provinces have tasks"
            raise CommandError(f"--region is required: {found}")
        return provinces[0]
