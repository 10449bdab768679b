"""/api/v1/docs (Swagger UI) loads everything from this site: the CSP allows scripts and styles from
'self' only, so a CDN-hosted Swagger UI was a blank page (issue 17, item 12). The files are django-ninja's
own bundled copies, served as static files."""

from __future__ import annotations

from html.parser import HTMLParser

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "href"):
            if a.get(name) and tag in ("script", "link", "img", "iframe"):
                self.urls.append(str(a[name]))
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline_scripts.append(tag)


def test_the_docs_page_references_only_same_origin_assets_that_exist(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = _Assets()
    page.feed(response.content.decode())
    assert page.urls, "the page loads Swagger UI's files"
    assert any(u.endswith("swagger-ui-bundle.js") for u in page.urls)
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert "cdn" not in url.lower(), url
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} is not a static file here"
    # The CSP forbids inline scripts: the page has none (its settings are a JSON block, not code).
    assert page.inline_scripts == []
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
