"""Checks shared by the console and H5 view tests."""

from __future__ import annotations

import re

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
_FIGURE = re.compile(r'data-figure="([a-z-]+)">(\d+)<')


def assert_no_inline_script(html: str) -> None:
    """Every script is a file or a JSON data block; no on* handler attributes (CSP: script-src 'self')."""
    for attrs, body in _SCRIPT.findall(html):
        if 'type="application/json"' in attrs:
            continue
        assert "src=" in attrs and not body.strip(), f"inline script: <script{attrs}>{body[:80]}"
    match = _HANDLER.search(html)
    assert match is None, f"inline event handler: {match.group(0) if match else ''}"
    assert "javascript:" not in html


def figures(html: str) -> dict[str, int]:
    return {name: int(value) for name, value in _FIGURE.findall(html)}
