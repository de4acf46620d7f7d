"""Periodic mentoring work: reminders, expiries, auto-completion, check-in prompts.

Idempotent (every step selects only what is due and marks it done, notifications carry a
dedupe key): run it every 15 minutes from cron or a systemd timer (see docs/mentoring.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mentoring import services


class Command(BaseCommand):
    help = "Send mentoring reminders, expire old requests and proposals, complete mentorships."

    def handle(self, *args, **options) -> None:
        figures = {
            "reminded": services.remind_pending_requests(),
            "expired_requests": services.expire_requests(),
            "expired_proposals": services.expire_proposals(),
            "completed": services.complete_due_mentorships(),
            "check_in_prompts": services.remind_check_ins(),
        }
        self.stdout.write(" ".join(f"{k}={v}" for k, v in figures.items()))
