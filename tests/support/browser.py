"""Browser tests: Debian's Chromium driven by Playwright, with an axe-core scan.

Playwright's sync API runs an event loop in the thread that uses it, which breaks the Django ORM
there; so the browser steps run in their own thread while the test thread keeps the ORM.
"""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.services import ROOT, missing_service

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def require_browser() -> None:
    if not CHROMIUM.exists():
        missing_service("Debian's chromium is not installed (`make browser` installs it)")
    if not AXE_JS.exists():
        missing_service("axe-core is not installed (`make install` runs npm ci)")


def run_in_browser(steps: Callable[..., Any], *, pages: int = 1, timeout: float = 120) -> Any:
    """Run ``steps(page, ...)`` with ``pages`` independent browser contexts (separate members)."""
    require_browser()

    def work() -> Any:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                opened = []
                for _ in range(pages):
                    context = browser.new_context(
                        locale="en-GB", viewport={"width": 1280, "height": 900}
                    )
                    context.set_default_timeout(15_000)
                    opened.append(context.new_page())
                return steps(*opened)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result(timeout=timeout)


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v.get("impact") in impacts
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found on {page.url}:\n{json.dumps(violations, indent=1)}"
