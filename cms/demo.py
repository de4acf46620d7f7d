"""Demo content for the published site."""

from __future__ import annotations

from typing import TextIO

from cms.services import ensure_site


def seed(*, scale: int = 1, stdout: TextIO | None = None) -> None:
    home = ensure_site()
    if stdout:
        stdout.write(f"cms: home page #{home.pk} in every language\n")
