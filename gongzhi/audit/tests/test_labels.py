"""The audit log reads as words: every key and value of an event's data has a label in the page's language
(gongzhi/audit/labels.py), never a raw internal key."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from gongzhi.audit import labels
from gongzhi.audit.models import AuditEvent
from gongzhi.authz import language
from gongzhi.authz.world import World, build_world
from gongzhi.testing.worlds import shared_world
from gongzhi.tickets.enums import TicketStatus
from gongzhi.workdays.enums import LimitUnit

# --- the labeller alone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "yes", "no", "status", "unit", "field"),
    [
        ("zh-hans", "是", "否", "处置中", "工作日", "按时"),
        ("en", "Yes", "No", "Being handled", "Working days", "On time"),
    ],
)
def test_values_and_fields_read_in_the_active_language(lang, yes, no, status, unit, field):
    with translation.override(lang):
        assert labels.value_label("on_time", True, "tickets.ticket_closed") == yes
        assert labels.value_label("outside", False, "tickets.patrol_checkin") == no
        # a choice value is named by the TextChoices of the model field of that name in the event's app
        assert labels.value_label("status", TicketStatus.IN_PROGRESS, "tickets.ticket_handled") == status
        # and by any choice field of the app when the key says nothing ("to" of a move)
        assert labels.value_label("to", TicketStatus.IN_PROGRESS, "tickets.ticket_responded") == status
        # a value of another app's enum, found through every model's choices
        assert labels.value_label("limit_unit", LimitUnit.WORKING_DAYS, "audit.unknown") == unit
        assert labels.field_label("on_time") == field
        items = dict(labels.data_items({"on_time": True, "empty": "", "to": "in_progress"}, "tickets.x"))
        assert items == {field: yes, labels.field_label("to"): status}


def test_dates_lists_and_mappings_are_named_item_by_item():
    with translation.override("zh-hans"):
        assert labels.value_label("elected_on", "2026-12-07") == "2026年12月7日"
        assert labels.value_label("flags", [True, False]) == "是、否"
        assert labels.value_label("changed", {"on_time": True}) == "按时：是"
        assert labels.value_label("count", 3) == "3"
        assert labels.value_label("note", "x" * 200).endswith("…")
    with translation.override("en"):
        assert "2026" in labels.value_label("elected_on", "2026-12-07")
        assert "年" not in labels.value_label("elected_on", "2026-12-07")


def test_an_unknown_key_or_value_reads_as_words_not_snake_case():
    assert not labels.has_label("brand_new_key")
    assert labels.field_label("brand_new_key") == "brand new key"
    assert labels.value_label("kind", "some_internal_value", "nowhere.event") == "some internal value"
    assert language.RAW_KEY.search(labels.field_label("brand_new_key")) is None


def test_an_app_names_the_values_of_an_enum_on_no_model_field():
    from django.db import models

    class Mood(models.TextChoices):
        QUITE_HAPPY = "quite_happy", "相当满意"

    labels.register_values("nowhere", Mood, fields=("mood",))
    assert labels.value_label("mood", "quite_happy", "nowhere.rated") == "相当满意"
    labels.register_fields({"mood": "心情"})
    assert labels.has_label("mood") and labels.field_label("mood") == "心情"


# --- the matrix world: every key it writes, and the audit page in both languages -------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("audit-labels-media")):
        yield build_world()


def test_every_key_of_the_matrix_worlds_audit_data_has_a_label(world, db):
    keys: dict[str, str] = {}
    for event_type, data in AuditEvent.objects.values_list("event_type", "data"):
        for key in data if isinstance(data, dict) else ():
            keys.setdefault(key, event_type)
    assert len(keys) > 50, "the world writes far fewer audit keys than it used to"
    unlabelled = sorted(f"{k} ({e})" for k, e in keys.items() if not labels.has_label(k))
    assert unlabelled == [], "add these to gongzhi/audit/field_labels.py: " + ", ".join(unlabelled)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_audit_page_shows_words_in_either_language(world, db, lang):
    client = Client()
    client.force_login(world.users["district_admin"])
    client.cookies["django_language"] = lang
    with translation.override(lang):
        response = client.get("/console/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="audit-timeline"' in html
    if lang == "zh-hans":  # no raw key anywhere
        assert language.leftovers(language.visible_text(html), lang, language.data_pattern()) == []
        return
    # In English every event and field label is English; a value named by another app's enum is as English
    # as that app's catalogue (the page_language test holds the whole page to it).
    shown = re.findall(r'<span class="(?:k|timeline-event)">([^<]*)</span>', html)
    assert len(shown) > 20
    assert [s for s in shown if language.CJK_CHAR.search(s)] == []
