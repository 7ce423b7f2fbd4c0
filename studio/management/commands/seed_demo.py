"""Create (or top up) the Pingyuan-like demo zone. Idempotent: running it twice changes nothing."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

#: Each app contributes ``seed(*, scale, stdout) -> list[str]`` (summary lines), in this order; use
#: ``studio.demo_progress.progress`` for any loop that takes more than a second.
SEEDERS = [
    "studio.demo",
]

DEMO_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = "Create the demo zone: organisations, users, productions and what later apps add."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["zone", "province"], default="zone")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, scale, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo data with DEBUG off; pass --force if you mean it.")
        summary = []
        for dotted in SEEDERS:
            module = import_module(dotted)
            with transaction.atomic():
                summary += module.seed(scale=scale, stdout=self.stdout) or []
        for line in summary:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users (password {DEMO_PASSWORD}): admin, operator1, producer1, producer2, reviewer1"
            )
        )
