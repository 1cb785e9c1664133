import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.builder import DEMO_LOGINS, DEMO_PASSWORD, DEMO_RECEIPT_CODE, DemoBuilder
from members.models import Branch


class Command(BaseCommand):
    help = "Build demo data: branches, members, contacts and a year of liaison records."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="3×N branches of 25 members")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="seed only when there is no branch yet; print the demo logins either way",
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, scale, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG off (use --force on purpose).")
        if scale < 1 or scale > 200:
            raise CommandError("--scale must be between 1 and 200.")
        if Branch.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data; demo not seeded again.")
                self.print_logins()
                return
            raise CommandError("The database already has branches: seed_demo wants an empty one.")
        started = time.monotonic()
        counts = DemoBuilder(scale=scale).build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for label, count in counts.items():
            self.stdout.write(f"  {count:>8}  {label}")
        self.stdout.write(f"Demo data built in {time.monotonic() - started:.1f} s.")
        self.print_logins()

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for username, who in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {who}")
        self.stdout.write(
            f"Opinion box receipt code of an answered opinion: {DEMO_RECEIPT_CODE} (/box/status/)"
        )
