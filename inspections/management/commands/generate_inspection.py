from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.models import half_validator
from inspections.services import inspections as inspection_services
from members.models import Branch


class Command(BaseCommand):
    help = "Generate a new version of a branch's half-yearly inspection and write its PDF."

    def add_arguments(self, parser):
        parser.add_argument("--branch", type=int, required=True, help="branch id")
        parser.add_argument("--half", required=True, help="2026H1 or 2026H2")
        parser.add_argument("--out", required=True, help="PDF file to write")

    def handle(self, *args, branch, half, out, **options):
        try:
            half_validator(half)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        row = Branch.objects.filter(pk=branch).first()
        if row is None:
            raise CommandError(f"No branch with id {branch}.")
        inspection = inspection_services.inspection_generate(branch=row, half=half)
        Path(out).write_bytes(inspection_services.inspection_pdf(inspection=inspection))
        self.stdout.write(f"{row.name} {half} v{inspection.version} → {out}")
