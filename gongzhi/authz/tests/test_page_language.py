"""Every console and H5 page read in English shows no Chinese outside data, and read in Chinese shows
no raw internal key (gongzhi/authz/language.py). One world for both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongzhi.authz import language
from gongzhi.authz.world import World, build_world
from gongzhi.testing.worlds import shared_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield build_world()


def test_the_reader_finds_what_is_left_and_spares_data():
    html = (
        '<h1>Cases</h1><p title="办理中">张*明 银山社区</p><script>var a = "中文";</script>'
        '<input type="submit" value="保存"><p>in_progress</p>'
    )
    text = language.visible_text(html)
    assert "中文" not in text and "办理中" in text and "保存" in text
    data = language.re.compile("银山社区")
    assert set(language.leftovers(text, "en", data)) == {"办理中", "保存"}
    assert language.leftovers(text, "zh-hans", data) == ["in_progress"]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_every_page_shows_only_its_language_outside_data(world, db, lang):
    report = language.read_pages(world, lang)
    assert len(report.rendered) > 150, "the world no longer opens most pages"
    assert report.failing == [], "\n".join(report.lines())
