"""Load an operator's set catalogue from a CSV file (the same all-or-nothing import as the API and admin)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.exceptions import DomainError
from locations.importing import set_catalogue_import
from studio.models import Organization


class Command(BaseCommand):
    help = "Import sets from CSV for one base operator; any bad row rejects the whole file."

    def add_arguments(self, parser):
        parser.add_argument("operator", help="The base operator's id or exact name.")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, operator, csv_file, **options):
        lookup = {"pk": int(operator)} if operator.isdigit() else {"name": operator}
        organization = Organization.objects.filter(kind=Organization.Kind.BASE_OPERATOR, **lookup).first()
        if organization is None:
            raise CommandError(f"No base operator {operator!r}.")
        try:
            result = set_catalogue_import(operator=organization, data=csv_file.read_bytes(), by=None)
        except DomainError as exc:
            raise CommandError("\n".join([str(exc.detail), *exc.fields.get("rows", [])])) from None
        self.stdout.write(self.style.SUCCESS("Imported: {created} new, {updated} updated.".format(**result)))
