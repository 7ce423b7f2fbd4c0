"""Create (or top up) the Pingyuan-like demo zone. Idempotent: running it twice creates nothing new."""

import time
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from studio.demo_logins import DEMO_LOGINS, DEMO_PASSWORD

#: Each app contributes ``seed(*, scale, stdout, now) -> list[str]`` (summary lines), in this order; ``now``
#: is the one moment the whole demo is built around (its "today"), read once; use
#: ``studio.demo_progress.progress`` for any loop that takes more than a second and
#: ``studio.demo.demo_organizations(kind, scale=...)`` to find the organisations. Append your module:
SEEDERS = [
    "studio.demo",
    "review.demo",
    "locations.demo",
    "bookings.demo",
    "crews.demo",
]


class Command(BaseCommand):
    help = "Create the demo zone: organisations, users, productions and what later apps add."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["zone", "province"],
            default="zone",
            help="zone: one Pingyuan-like zone (default); province: 2,000 companies, for benchmarks.",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, scale, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo data with DEBUG off; pass --force if you mean it.")
        summary = []
        started = time.monotonic()
        now = timezone.now()  # one clock for every seeder: "today" cannot change half-way
        for dotted in SEEDERS:
            module = import_module(dotted)
            step = time.monotonic()
            self.stdout.write(f"Seeding {dotted} ({scale}) ...")
            with transaction.atomic():
                summary += module.seed(scale=scale, stdout=self.stdout, now=now) or []
            self.stdout.write(f"  done in {time.monotonic() - step:.1f}s")
        for line in summary:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f}s. "
                f"Sign in with password {DEMO_PASSWORD} as: {', '.join(name for name, _who in DEMO_LOGINS)}"
            )
        )
