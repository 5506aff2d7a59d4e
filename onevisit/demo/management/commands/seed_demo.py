"""`python manage.py seed_demo`: build the deterministic demo province once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from onevisit.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Seed the demo province (Zhejiang, Hangzhou, Tonglu, Keqiao) through the registry "
        "services. Runs once: if the demo is present it says so and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["full", "small"],
            default="full",
            help=(
                "full: quotas filled to 70–100%%, the service catalog and a year of cases "
                "(default); small: the registry only, a few staff per quota."
            ),
        )

    def handle(self, *args, scale: str, **options):
        result = seed_demo(scale=scale, stdout=self.stdout if options["verbosity"] > 1 else None)
        if not result.created:
            self.stdout.write(f"The demo is already present ({result.reason}); nothing to do.")
            return
        counts = ", ".join(f"{n} {label}" for label, n in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo province seeded in {result.seconds:.1f} s: {counts}.")
        )
        self.stdout.write(
            'Demo logins use the password "onevisit-demo" (see onevisit/demo/README.md).'
        )
