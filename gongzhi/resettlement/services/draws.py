"""The draw's writes: commit to the seed and the list, record the witnesses, run the draw (``draw.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.workflow import check_move
from gongzhi.resettlement import draw as drawing
from gongzhi.resettlement.enums import MIN_WITNESSES, ProjectStatus
from gongzhi.resettlement.models import Draw, DrawWitness, EligibleHousehold, HousingUnit
from gongzhi.resettlement.selectors import canonical_list_of
from gongzhi.resettlement.services._common import _codes, _project, _raise, _text
from gongzhi.resettlement.transitions import PROJECT

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@transaction.atomic
def draw_commit(*, actor: Actor, project_id: int, seed: str = "") -> Draw:
    """Seal the list and commit to the seed: publish SHA-256(seed, list). An empty seed is drawn from the
    operating system's random source. Afterwards households, inventory and bundles cannot change."""
    project = _project(actor, project_id)
    check_move(PROJECT, ProjectStatus.COMMITTED, project.status)
    seed = (seed or "").strip() or drawing.new_seed()
    if not drawing.SEED_RE.match(seed):
        raise ValidationFailed(
            "种子应为16到128位字母、数字、“-”或“_”", fields={"seed": "种子应为16到128位字母、数字、“-”或“_”"}
        )
    canonical = canonical_list_of(project=project)
    count = len(canonical.splitlines())
    if count == 0:
        raise ValidationFailed("还没有安置对象，不能封存名单")
    if not HousingUnit.objects.filter(project=project).exists():
        raise ValidationFailed("还没有登记房源，不能封存名单")
    if not project.bands.exists():
        raise ValidationFailed("请先设置面积差结算价格档")
    draw = Draw.objects.create(
        project=project,
        algorithm=drawing.ALGORITHM,
        list_sha256=drawing.sha256_hex(canonical),
        commitment=drawing.commitment_of(seed, canonical),
        households=count,
        seed_encrypted=ids.encrypt(seed),
        committed_at=timezone.now(),
        committed_by_id=getattr(actor, "pk", None),
        **_codes(project),
    )
    project.status = ProjectStatus.COMMITTED
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=draw,
        event="resettlement.draw_committed",
        data={"list_sha256": draw.list_sha256, "commitment": draw.commitment, "households": count},
    )
    return draw


@transaction.atomic
def draw_witness_add(*, actor: Actor, project_id: int, name: str, capacity: str) -> DrawWitness:
    project = _project(actor, project_id)
    draw = Draw.objects.filter(project=project).first()
    if draw is None:
        raise Conflict("请先封存名单", code="illegal_transition")
    if draw.drawn_at is not None:
        raise Conflict("已摇号，不能再增加见证人", code="illegal_transition")
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, "见证人姓名", 50, True)
    capacity = _text(errors, "capacity", capacity, "见证人身份", 50, True)
    _raise(errors)
    witness = DrawWitness.objects.create(draw=draw, name=name, capacity=capacity, **_codes(project))
    audit_record(
        actor=actor,
        target=witness,
        event="resettlement.witness_added",
        data={"name": name, "capacity": capacity},
    )
    return witness


@transaction.atomic
def draw_run(*, actor: Actor, project_id: int) -> Draw:
    """Run the draw: the list as it stands must be the committed one (its SHA-256), the witnesses present;
    the order is computed, stored as each household's position, and the seed published."""
    project = _project(actor, project_id)
    draw = Draw.objects.select_for_update().filter(project=project).first()
    if draw is None:
        raise NotFound("请先封存名单")
    check_move(PROJECT, ProjectStatus.DRAWN, project.status)
    if draw.witnesses.count() < MIN_WITNESSES:
        raise Conflict(f"摇号须有至少{MIN_WITNESSES}名见证人在场并登记", code="witnesses_missing")
    canonical = canonical_list_of(project=project)
    seed = ids.decrypt(draw.seed_encrypted)
    if (
        drawing.sha256_hex(canonical) != draw.list_sha256
        or drawing.commitment_of(seed, canonical) != draw.commitment
    ):
        raise Conflict("名单在封存后被改动（摘要与公布的不符），拒绝摇号", code="list_changed")
    ordered = drawing.order(seed, drawing.keys_of(canonical))
    position = {key: i for i, key in enumerate(ordered, start=1)}
    rows = list(EligibleHousehold.objects.filter(project=project))
    for row in rows:
        row.draw_position = position[row.key]
    EligibleHousehold.objects.bulk_update(rows, ["draw_position"], batch_size=500)
    draw.seed = seed
    draw.drawn_at = timezone.now()
    draw.drawn_by_id = getattr(actor, "pk", None)
    draw.result_sha256 = drawing.result_sha256(ordered)
    draw.save(update_fields=["seed", "drawn_at", "drawn_by", "result_sha256", "updated_at"])
    project.status = ProjectStatus.DRAWN
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=draw,
        event="resettlement.draw_run",
        data={"seed": seed, "result_sha256": draw.result_sha256, "households": len(ordered)},
    )
    return draw
