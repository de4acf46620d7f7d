"""Build the demo network: every app contributes its own ``demo.seed()``, in dependency order."""

from __future__ import annotations

import importlib
import time

from django.core.management.base import BaseCommand, CommandParser

# Order matters: later apps build on earlier ones (forums need members, mentoring needs profiles).
DEMO_APPS = ["network", "cms", "mentoring", "forums"]


class Command(BaseCommand):
    help = "Create (or complete) the demo network. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the generated members (210 gives about 50,000).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the demo is already there (used by `make run`).",
        )

    def handle(self, *args, scale: int = 1, if_empty: bool = False, **options) -> None:
        from network.models import User

        if if_empty and User.objects.filter(email="admin@alliance.example").exists():
            self.stdout.write("Demo network already seeded (run `manage.py seed_demo` to top up).")
            self._print_logins()
            return
        if scale < 1:
            self.stderr.write("--scale must be 1 or more")
            return
        started = time.perf_counter()
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(scale=scale, stdout=self.stdout)
        self.stdout.write(f"\nDemo ready in {time.perf_counter() - started:.1f} s.")
        self._print_logins()

    def _print_logins(self) -> None:
        from network.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_logins

        self.stdout.write("Sign in with:")
        for email, role, name in demo_logins():
            self.stdout.write(f"  {email:<32} {role:<32} {name}")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
        self.stdout.write(
            "  staff accounts use two-factor authentication; the demo TOTP secret is "
            f"{DEMO_TOTP_SECRET}\n  (add it to an authenticator app, or run "
            "`.venv/bin/python manage.py demo_totp` for the current code)"
        )
