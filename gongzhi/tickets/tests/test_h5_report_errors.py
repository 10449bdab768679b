"""随手拍's refusal messages (issue 17, item 12): "re-choose the photos" only when photos were chosen, and
the page stays free of inline script (the messages are cleared by static/tickets/h5-report.js)."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.console.tests.helpers import assert_no_inline_script
from gongzhi.tickets.tests.test_h5 import upload

NEW = "/h5/tickets/new/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(district) -> Client:
    client = Client()
    client.force_login(district.user("resident"))
    return client


def _photo_count(html: str) -> str:
    start = html.index('data-testid="photo-count"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def test_an_empty_report_does_not_ask_to_choose_photos_again(district):
    response = _client(district).post(NEW, {"description": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-description"' in html
    assert _photo_count(html).strip() == ""
    assert "照片" not in _photo_count(html)
    assert_no_inline_script(html)


def test_a_refused_report_with_photos_says_they_must_be_chosen_again(district):
    response = _client(district).post(NEW, {"description": "", "photos": [upload("a.jpg"), upload("b.jpg")]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "您选的2张照片未能保留，请重新选择" in _photo_count(html)
    assert 'src="/static/tickets/h5-report.js"' in html
