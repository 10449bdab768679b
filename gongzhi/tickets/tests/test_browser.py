"""The closed loop in Debian's Chromium, one browser context per person: a resident reports with a photo
on the H5 page → the grid worker accepts and escalates (吹哨) → the community worker dispatches to a
department → the department responds (报到) and handles with a result photo → the grid worker verifies on
site → the resident rates it 满意 on the H5 page → the first responder closes it → the resident sees
已办结 with the result.

Run with: .venv/bin/pytest -m browser -p no:xdist gongzhi/tickets
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongzhi.testing.browser import SHOTS, watch

pytestmark = pytest.mark.browser

# Inside the small district's grid g1: where the resident's phone says it is (WGS-84, as browsers give).
HERE = {"longitude": 117.105, "latitude": 36.985}
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def people(browser, live_server, transactional_db, settings, tmp_path) -> Iterator[dict[str, Any]]:
    """A browser context per person (their own cookies), and the script errors each page saw."""
    settings.MEDIA_ROOT = tmp_path / "media"
    contexts: list[Any] = []
    errors: list[list[str]] = []

    def open_as(kind: str) -> Any:
        if kind == "resident":
            context = browser.new_context(
                locale="zh-CN",
                viewport=PHONE,
                is_mobile=True,
                has_touch=True,
                geolocation=HERE,
                permissions=["geolocation"],
            )
        else:
            context = browser.new_context(locale="zh-CN", viewport=DESK)
        contexts.append(context)
        page = context.new_page()
        errors.append(watch(page))
        return page

    yield {"open": open_as, "base": live_server.url, "errors": errors, "tmp": tmp_path}
    for context in contexts:
        context.close()


def photo_file(path: Path, color: str) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), color)
    ImageDraw.Draw(image).rectangle((200, 150, 440, 330), outline="white", width=8)
    image.save(path, "JPEG")
    return path


def shot(page: Any, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # a sticky bar stays at the top of a full-page shot
    page.screenshot(path=str(SHOTS / f"gongzhi-tickets-{name}.png"), full_page=True)


def staff_sign_in(page: Any, base: str, username: str) -> None:
    from gongzhi.testing import PASSWORD

    page.goto(base + "/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(base + "/console/")


def resident_sign_in(page: Any, base: str, phone: str) -> None:
    """The H5 one-time code: the test's sender keeps the code instead of sending an SMS."""
    from gongzhi.testing.sms import SENT

    SENT.pop(phone, None)
    page.goto(base + "/h5/login/?next=/h5/")
    page.fill("#id_phone", phone)
    page.click("button[type=submit].button-primary")
    page.wait_for_selector("#id_code")
    code = SENT[phone]
    page.fill("#id_code", code)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(base + "/h5/")


def act(page: Any, action: str, status: str) -> None:
    """Press a console action button and wait for the page to come back with the new status."""
    page.click(f"[data-action={action}]")
    page.wait_for_selector(f"[data-testid=ticket-status][data-status={status}]")


def test_resident_report_to_closed_loop_in_the_browser(people, district):
    from gongzhi.core import ids
    from gongzhi.tickets.enums import Channel, Level, PhotoStage, TicketStatus
    from gongzhi.tickets.models import Ticket, TicketPhoto

    base: str = people["base"]
    tmp: Path = people["tmp"]

    # --- the resident, on the phone: sign in with a code, 随手拍 with a photo and the phone's location ---
    resident = people["open"]("resident")
    phone = ids.decrypt(district.persons["g1"][0].phone_encrypted)
    resident_sign_in(resident, base, phone)
    resident.click("[data-testid=tile-report]")
    resident.wait_for_url(base + "/h5/tickets/new/")
    # Forgetting the description: a Chinese message, nothing written, the address kept.
    resident.fill("#id_address", "银山社区小区1号楼东侧")
    resident.click("[data-testid=report-submit]")
    resident.wait_for_selector("[data-testid=error-description] >> text=请填写问题描述")
    assert resident.input_value("#id_address") == "银山社区小区1号楼东侧"
    assert Ticket.objects.count() == 0
    shot(resident, "01-h5-report-error")

    resident.fill("#id_description", "1号楼东侧路灯坏了一个星期，晚上很黑，老人出门不方便")
    resident.select_option("#id_category", "101018")  # 路灯
    resident.click("[data-testid=locate]")
    resident.wait_for_selector("[data-testid=locate-status] >> text=已获取位置")
    assert float(resident.input_value("#id_lng")) == pytest.approx(HERE["longitude"])
    assert resident.input_value("#id_coord_system") == "wgs84"
    resident.set_input_files("#id_photos", str(photo_file(tmp / "路灯.jpg", "#334455")))
    resident.wait_for_selector("[data-testid=photo-count] >> text=已选择1张照片")
    resident.check("#id_anonymous")
    shot(resident, "02-h5-report")
    resident.click("[data-testid=report-submit]")
    resident.wait_for_url(re.compile(r".*/h5/tickets/\d+/$"))
    ticket = Ticket.objects.get()
    assert resident.url == f"{base}/h5/tickets/{ticket.pk}/"
    assert (ticket.channel, ticket.grid_code, ticket.anonymous) == (
        Channel.RESIDENT,
        district.grids["g1"].code,
        True,
    )
    assert ticket.photos.filter(stage=PhotoStage.REPORT).count() == 1
    resident.wait_for_selector("[data-testid=ticket-status] >> text=待受理")
    resident.wait_for_selector(f"text=已提交，工单编号 {ticket.number}")
    shot(resident, "03-h5-submitted")
    detail = f"{base}/console/tickets/{ticket.pk}/"

    # --- the grid worker: accepts (首问负责) and whistles it up to the community (吹哨) ---
    grid = people["open"]("staff")
    staff_sign_in(grid, base, "grid_worker")
    grid.goto(detail)
    grid.wait_for_selector("[data-testid=ticket-status][data-status=reported]")
    assert "1号楼东侧路灯坏了" in grid.inner_text("[data-testid=ticket-description]")
    shot(grid, "04-console-to-accept")
    act(grid, "accept", TicketStatus.ACCEPTED)
    grid.fill("#escalate-reason", "灯杆线路老化，需城管部门维修")
    act(grid, "escalate", TicketStatus.ESCALATED)
    shot(grid, "05-console-escalated")

    # --- the community worker: dispatches to the department (城管局) ---
    community = people["open"]("staff")
    staff_sign_in(community, base, "community_worker")
    community.goto(detail)
    community.wait_for_selector("[data-testid=ticket-status][data-status=escalated]")
    community.select_option("#dispatch-level", Level.DEPARTMENT)
    community.select_option("#dispatch-department_id", label="城管局")
    community.fill("#dispatch-note", "请城管局派员维修")
    shot(community, "06-console-dispatch")
    act(community, "dispatch", TicketStatus.DISPATCHED)
    community.wait_for_selector("[data-testid=ticket-department] >> text=城管局")

    # --- the department handler: responds (报到), then handles with a result photo ---
    department = people["open"]("staff")
    staff_sign_in(department, base, "department_handler")
    department.goto(detail)
    department.wait_for_selector("[data-testid=ticket-status][data-status=dispatched]")
    act(department, "respond", TicketStatus.IN_PROGRESS)
    department.fill("#handle-result", "已更换灯杆线路和灯头，路灯恢复照明")
    department.set_input_files("#handle-photos", str(photo_file(tmp / "修好了.jpg", "#f0c040")))
    shot(department, "07-console-handle")
    act(department, "handle", TicketStatus.HANDLED)
    assert TicketPhoto.objects.filter(ticket=ticket, stage=PhotoStage.RESULT).count() == 1

    # The resident follows along: the result and its photo are there before verification.
    resident.reload()
    resident.wait_for_selector("[data-testid=ticket-status] >> text=已处置，待现场核查")
    resident.wait_for_selector("[data-testid=result-text] >> text=已更换灯杆线路和灯头，路灯恢复照明")

    # --- the grid worker verifies on site ---
    grid.goto(detail)
    grid.wait_for_selector("[data-testid=ticket-status][data-status=handled]")
    grid.check("#verify-passed-true")
    grid.fill("#verify-note", "现场查看，路灯已亮")
    act(grid, "verify", TicketStatus.VERIFIED)
    shot(grid, "08-console-verified")

    # --- the callback: the resident rates it 满意 on the H5 page ---
    resident.reload()
    resident.wait_for_selector("[data-testid=ticket-status] >> text=待您评价")
    resident.wait_for_selector("[data-testid=rate-form]")
    resident.check("input[name=satisfaction][value=satisfied]")
    resident.fill("#id_note", "修得很快，谢谢")
    shot(resident, "09-h5-rate")
    resident.click("[data-testid=rate-submit]")
    resident.wait_for_selector("[data-testid=ticket-status] >> text=已评价，待办结")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction) == (TicketStatus.CALLED_BACK, "satisfied")

    # --- the first responder closes it in the console ---
    grid.goto(detail)
    grid.wait_for_selector("[data-testid=ticket-status][data-status=called_back]")
    act(grid, "close", TicketStatus.CLOSED)
    shot(grid, "10-console-closed")

    # --- the resident sees 已办结, the result and its photo, every step in plain Chinese ---
    resident.reload()
    resident.wait_for_selector("[data-testid=closed] >> text=已办结")
    resident.wait_for_selector("[data-testid=result-text] >> text=已更换灯杆线路和灯头，路灯恢复照明")
    resident.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=result-photos] img')]"
        ".every(img => img.complete && img.naturalWidth > 0) "
        "&& document.querySelectorAll('[data-testid=result-photos] img').length === 1"
    )
    steps = resident.inner_text("[data-testid=steps]")
    for text in (
        "您反映的问题已提交",
        "已受理，工作人员将负责跟进到底",
        "已吹哨上报至社区协调处理",
        "已派至城管局处置",
        "城管局已报到",
        "经现场核查，问题已处置到位",
        "回访评价：满意",
        "工单已办结，感谢您的反映",
    ):
        assert text in steps, text
    page_text = resident.inner_text("body")
    for secret in (
        "灯杆线路老化",
        "请城管局派员维修",
        "现场查看，路灯已亮",
        "grid_worker",
        "department_handler",
    ):
        assert secret not in page_text, secret
    shot(resident, "11-h5-closed")

    # The resident's list shows it closed, newest first.
    resident.goto(base + "/h5/tickets/")
    resident.wait_for_selector("[data-testid=my-ticket][data-status=closed] >> text=已办结")
    shot(resident, "12-h5-mine")

    errors = [e for page_errors in people["errors"] for e in page_errors]
    assert errors == [], errors  # no script errors, no CSP violations, no missing files
