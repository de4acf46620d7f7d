"""Rebuild the directory table and its full-text index from members and profiles."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Rebuild the directory table and full-text index (after bulk imports or restores)."

    def handle(self, *args: Any, **options: Any) -> None:
        from network import indexing

        with transaction.atomic():
            count = indexing.sync_profiles()
        self.stdout.write(f"re-indexed {count} profiles")
