import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks.reminders.services.escalation import escalate_overdue
from tasks.reminders.services.scan import scan_reminders


class Command(BaseCommand):
    help = (
        "Run the daily reminder scan now, in this process: one digest per liaison and escalation "
        "digests for the offices, each at most once a day. --dry-run only prints who would get what."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to scan for, YYYY-MM-DD (default: today in Shanghai)")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the digests, claim and send nothing"
        )

    def handle(self, *args, **options):
        try:
            today = (
                datetime.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
            )
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {options['today']!r}") from None
        dry_run = options["dry_run"]
        result = scan_reminders(today, dry_run=dry_run, in_process=True)
        if not result.workday:
            self.stdout.write(f"{today} is not a working day: no reminders")
            return
        already = {id(digest) for digest in result.already_sent}
        new_outcome = "would send" if dry_run else "sent"
        for digest in result.digests:
            outcome = "already sent today" if id(digest) in already else new_outcome
            self.stdout.write(
                f"{digest.recipient.username} <{digest.recipient.email}> {digest.kind}: "
                f"{len(digest.overdue)} overdue, {len(digest.due_soon)} due soon — {outcome}"
            )
        fresh = len(result.digests) - len(result.already_sent)
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{today}: {len(result.digests)} digest(s), {verb} {fresh}, {len(result.already_sent)} already sent today"
        )
        if not dry_run:
            escalated = escalate_overdue(today)["escalated"]
            self.stdout.write(f"{today}: {escalated} task(s) escalated one step")
