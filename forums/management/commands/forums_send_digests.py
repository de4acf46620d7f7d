"""Send coalesced forum notification emails: one per member per thread (run every 5 minutes)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from forums.notifications import send_digests


class Command(BaseCommand):
    help = "Email pending forum notifications, one mail per member per thread."

    def handle(self, *args: object, **options: object) -> None:
        sent = send_digests()
        self.stdout.write(f"Sent {sent} forum digest email(s).")
