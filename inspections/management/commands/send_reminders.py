from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections.services.reminders import KINDS


class Command(BaseCommand):
    help = "Run one of the scheduled reminders by hand for a day (sends each reminder once)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Asia/Shanghai)")

    def handle(self, *args, kind, date=None, **options):
        try:
            day = _parse(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        sent = KINDS[kind](day)
        self.stdout.write(f"{kind} {day}: {sent} sent")


def _parse(value: str) -> date:
    return date.fromisoformat(value)
