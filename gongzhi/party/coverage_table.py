"""The printable coverage table of one community (网格党组织覆盖情况表): its residential grids, the grid
branches (独立支部) and joint branches with the grids they cover, and the covered grids, from the
branches in force; as a PDF (reportlab, the built-in Chinese CID font, as the party app's other
documents) and as xlsx (through the one safe writer, ``core.cells``). No personal data: names of
organisations and secretaries, grids and member counts."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from gongzhi.core.cells import new_workbook
from gongzhi.party.enums import BRANCH_KINDS, MemberKind, MemberStatus, OrgKind
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid


@dataclass
class CoverageTable:
    community: str
    subdistrict: str
    grids: list[tuple[str, str, int, str]] = field(default_factory=list)  # code, name, members, branch
    independent: list[tuple[str, str, int]] = field(default_factory=list)  # name, secretary, members
    joint: list[tuple[str, str, list[str], int]] = field(
        default_factory=list
    )  # name, secretary, grids, members

    @property
    def covered(self) -> int:
        return sum(1 for g in self.grids if g[3])


def coverage_table(community: Community) -> CoverageTable:
    grids = list(
        Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL)
        .order_by("code")
        .values_list("code", "name")
    )
    names = dict(grids)
    branches = list(
        PartyOrganization.objects.filter(
            community_code=community.code, kind__in=BRANCH_KINDS, active=True
        ).order_by("id")
    )
    codes: dict[int, list[str]] = {b.pk: [] for b in branches}
    for org_id, code in (
        PartyOrganization.grids.through.objects.filter(partyorganization_id__in=list(codes))
        .order_by("grid__code")
        .values_list("partyorganization_id", "grid__code")
    ):
        codes[org_id].append(code)
    members = dict(
        PartyMember.objects.filter(organization_id__in=list(codes), status=MemberStatus.ACTIVE)
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    by_grid = dict(
        PartyMember.objects.filter(
            kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE, community_code=community.code
        )
        .values_list("grid_code")
        .annotate(n=Count("id"))
        .values_list("grid_code", "n")
    )
    branch_of: dict[str, str] = {}
    out = CoverageTable(community=community.name, subdistrict=community.subdistrict.name)
    for b in sorted(branches, key=lambda o: (codes[o.pk][0] if codes[o.pk] else "~", o.pk)):
        for c in codes[b.pk]:
            branch_of[c] = b.name
        if b.kind == OrgKind.GRID_BRANCH:
            out.independent.append((b.name, b.secretary_name, members.get(b.pk, 0)))
        else:
            out.joint.append(
                (b.name, b.secretary_name, [names.get(c, c) for c in codes[b.pk]], members.get(b.pk, 0))
            )
    out.grids = [(code, name, by_grid.get(code, 0), branch_of.get(code, "")) for code, name in grids]
    return out


def _summary(t: CoverageTable) -> list[tuple[str, Any]]:
    return [
        ("居民网格", len(t.grids)),
        ("独立网格党支部", len(t.independent)),
        ("联合党支部", len(t.joint)),
        ("联合党支部覆盖网格", sum(len(j[2]) for j in t.joint)),
        ("已覆盖居民网格", t.covered),
    ]


def coverage_xlsx(t: CoverageTable) -> bytes:
    from openpyxl.styles import Font

    wb = new_workbook()  # every cell through core.cells.safe_cell
    ws = wb.active
    ws.title = "网格党组织覆盖"
    ws.append([f"{t.subdistrict}{t.community}网格党组织覆盖情况表"])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append([f"截至 {timezone.localdate().isoformat()}"])
    ws.append([])
    for label, value in _summary(t):
        ws.append([label, value])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(["网格编码", "网格名称", "自管党员", "所属支部", "覆盖"])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for code, name, n, branch in t.grids:
        ws.append([code, name, n, branch or "未覆盖", "是" if branch else "否"])
    ws.append([])
    ws.append(["联合党支部", "书记", "覆盖网格", "党员数"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for name, secretary, grids, n in t.joint:
        ws.append([name, secretary or "—", "、".join(grids), n])
    ws.append([])
    ws.append(["独立网格党支部", "书记", "", "党员数"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for name, secretary, n in t.independent:
        ws.append([name, secretary or "—", "", n])
    for letter, width in zip("ABCDE", (19, 22, 40, 28, 8), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    return wb.to_bytes()


def coverage_pdf(t: CoverageTable) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gongzhi.core.pdf import chinese_font

    _FONT = chinese_font()
    body = ParagraphStyle("body", fontName=_FONT, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=6)
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3dcd9")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        t_ = Table(
            [[Paragraph(escape(str(c)), body) for c in r] for r in rows], colWidths=widths, repeatRows=1
        )
        t_.setStyle(style)
        return t_

    story: list[Any] = [
        Paragraph(escape(f"{t.subdistrict}{t.community}网格党组织覆盖情况表"), title),
        Paragraph(
            escape(f"截至 {timezone.localdate().isoformat()}"), ParagraphStyle("d", parent=body, alignment=1)
        ),
        Spacer(1, 4 * mm),
        table([[label for label, _ in _summary(t)], [v for _, v in _summary(t)]], [34 * mm] * 5),
        Paragraph("居民网格", h2),
        table(
            [["网格编码", "网格名称", "自管党员", "所属支部"]]
            + [[c, n, m, b or "未覆盖"] for c, n, m, b in t.grids],
            [36 * mm, 42 * mm, 18 * mm, 74 * mm],
        ),
        Paragraph("联合党支部及覆盖网格", h2),
        table(
            [["联合党支部", "书记", "覆盖网格", "党员"]]
            + [[n, s or "—", "、".join(g), m] for n, s, g, m in t.joint],
            [60 * mm, 22 * mm, 72 * mm, 16 * mm],
        ),
        Paragraph("独立网格党支部", h2),
        table(
            [["网格党支部", "书记", "党员"]] + [[n, s or "—", m] for n, s, m in t.independent],
            [100 * mm, 40 * mm, 30 * mm],
        ),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm
    )
    doc.title = f"{t.community}网格党组织覆盖情况表"
    doc.build(story)
    return buf.getvalue()
