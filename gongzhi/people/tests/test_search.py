"""Person search: names by substring (PostgreSQL: the bigram and character indexes), initials and pinyin
by prefix, and keyset pages of 50 picked in a subquery per alternative (people.selectors)."""

from __future__ import annotations

import pytest
from django.db import connection

from gongzhi.people.models import Person
from gongzhi.people.selectors import person_list_for_actor
from gongzhi.people.services import PersonInput, person_create
from gongzhi.people.tests.helpers import login

NAMES = ["朱海涛", "海朱", "朱小海", "朱海朱", "海朱海", "张华强", "朱海", "左华", "张三", "王振华", "周红琴"]


@pytest.fixture
def named(district) -> dict[str, Person]:
    """The names above in grid g1 (the community worker's and district admin's scope), one each, and
    张华强 once more in g4, another community."""
    households = district.households["g1"]
    out = {}
    for i, name in enumerate(NAMES):
        out[name] = person_create(
            actor=None,
            household_id=households[i % len(households)].pk,
            data=PersonInput(name=name, relation="other"),
        )
    out["张华强@g4"] = person_create(
        actor=None,
        household_id=district.households["g4"][0].pk,
        data=PersonInput(name="张华强", relation="other"),
    )
    return out


def _names(client, q: str, limit: int = 200) -> list[str]:
    r = client.get("/api/v1/persons", {"q": q, "limit": limit})
    assert r.status_code == 200, r.content
    return [p["name"] for p in r.json()["items"]]


def test_two_characters_find_the_names_containing_them_in_that_order(named, client):
    login(client, "community_worker")
    found = _names(client, "朱海")
    assert found == ["朱海涛", "朱海朱", "海朱海", "朱海"]
    assert "海朱" not in found and "朱小海" not in found
    assert _names(client, "海朱") == ["海朱", "朱海朱", "海朱海"]
    assert _names(client, "朱海涛") == ["朱海涛"]
    # 朱海朱 holds both pairs of 海朱海 (海朱, 朱海) without containing it: the LIKE decides.
    assert _names(client, "海朱海") == ["海朱海"]
    assert _names(client, "小海") == ["朱小海"]
    assert _names(client, "朱涛") == []
    # One character: every name holding it.
    assert _names(client, "涛") == ["朱海涛"]
    assert set(_names(client, "朱")) == {n for n in NAMES if "朱" in n}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes are PostgreSQL's")
def test_postgresql_answers_names_from_the_bigram_and_character_indexes(named, district):
    """The selector's conditions are the indexes' expressions (in the page's subquery too, where the
    table has another alias); with sequential and plain index scans off, the bitmap scan must be the
    GIN index's (a superuser: no scope condition whose index could be taken instead)."""
    from gongzhi.accounts.models import User

    User.objects.filter(pk=district.users["auditor"].pk).update(is_superuser=True)
    actor = User.objects.get(pk=district.users["auditor"].pk)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("ANALYZE people_person")
    for q, index in (("朱海", "person_name_bigrams_gin"), ("涛", "person_name_chars_gin")):
        plan = person_list_for_actor(actor=actor, q=q, limit=50).explain()
        assert index in plan, plan
        assert [p.name for p in person_list_for_actor(actor=actor, q=q, limit=50)] == [
            n for n in NAMES if q in n
        ]


def test_initials_and_pinyin_pages_follow_one_another_by_id(named, client):
    """``zh``: initials (张华强 zhq, 左华 zh) or pinyin (张三 zhangsan, 朱小海 zhuxiaohai) or both (朱海
    zh/zhuhai): every match once, in id order, over pages of 2, and nobody outside the scope."""
    login(client, "community_worker")
    expected = [
        p.pk
        for key, p in named.items()
        if "@" not in key and (p.name_initials.startswith("zh") or p.name_pinyin.startswith("zh"))
    ]
    assert {named[n].pk for n in ("左华", "张三", "朱小海", "朱海")} <= set(expected)
    assert named["王振华"].pk not in expected and named["海朱"].pk not in expected
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        params = {"q": "ZH", "limit": 2, **({"after": after} if after else {})}
        body = client.get("/api/v1/persons", params).json()
        seen += [p["id"] for p in body["items"]]
        pages += 1
        after = body["next_after"]
        if after is None:
            break
        assert body["items"][-1]["id"] == after
    assert seen == sorted(expected) and pages == -(-len(expected) // 2)
    assert named["张华强@g4"].pk not in seen  # another community: out of the worker's scope
    login(client, "district_admin")
    both = [p["id"] for p in client.get("/api/v1/persons", {"q": "zhq", "limit": 50}).json()["items"]]
    assert both == sorted([named["张华强"].pk, named["周红琴"].pk, named["张华强@g4"].pk])


def test_a_page_of_a_search_is_the_first_matches_after_the_cursor(named, district):
    """The selector itself, as the console page calls it (limit = page + 1): the inner pages of the
    alternatives are cut at ``limit`` each, and their union must still give the first ``limit``."""
    actor = district.users["district_admin"]
    everyone = [p.pk for p in person_list_for_actor(actor=actor, q="zh")]
    assert len(everyone) >= 6
    for start in range(len(everyone)):
        after = everyone[start - 1] if start else None
        page = [p.pk for p in person_list_for_actor(actor=actor, q="zh", after_id=after, limit=3)]
        assert page == everyone[start : start + 3]
    # Filters apply inside the page's subquery as outside it.
    g4 = district.grids["g4"].code
    assert [p.pk for p in person_list_for_actor(actor=actor, q="zhq", grid_code=g4, limit=3)] == [
        named["张华强@g4"].pk
    ]
