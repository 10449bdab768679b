"""Shared pieces of the browser journeys (``make test-browser``): Debian's Chromium driven by Playwright.

Nothing here skips: the browser suite runs where ``.ci/run`` has installed chromium, and fails loudly
anywhere it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = Path(os.environ.get("GONGZHI_SCREENSHOTS", "/tmp"))  # noqa: S108 (screenshots to look at, not secrets)


def watch(page: Any) -> list[str]:
    """Records script errors, CSP violations and failed sub-resources, so a test can insist on none.

    A document answered 4xx on purpose (a refused form) is not an error; a missing script or style is.
    """
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    page.set_default_timeout(15_000)
    return errors


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path | None:
    """Save the page as ``<GONGZHI_SCREENSHOTS>/<name>.png`` when that variable names a directory (CI sets
    it to var/screenshots and keeps the directory as an artefact, docs/testing.md); nothing otherwise.
    The journeys call it at each step."""
    folder = os.environ.get("GONGZHI_SCREENSHOTS", "").strip()
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    out = path / f"{name}.png"
    page.screenshot(path=str(out), full_page=full_page)
    return out
