"""Print the current two-factor code for the demo staff accounts (demo only)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo staff accounts."

    def handle(self, *args, **options) -> None:
        import time

        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        from network.demo import DEMO_TOTP_SECRET

        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time() // 30))))
