"""What every spreadsheet import shares: finding its columns by their Chinese headers."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Collection, Iterable

from gongzhi.core.errors import ValidationFailed


def map_headers(
    header_row: Iterable[object],
    *,
    known: Collection[str],
    required: Iterable[str],
    normalise: Callable[[object], str],
    template_hint: str,
    max_columns: int,
) -> dict[int, str]:
    """Column index → header for the known headers of the first row; a repeated or missing required
    column is refused with a Chinese message (``template_hint`` says which file to use instead)."""
    columns: dict[int, str] = {}
    for index, value in enumerate(list(header_row)[:max_columns]):
        header = normalise(value)
        if header in known:
            if header in columns.values():
                raise ValidationFailed(f"列“{header}”出现了两次，请删除多余的列", fields={"file": "列名重复"})
            columns[index] = header
    missing = [h for h in required if h not in columns.values()]
    if missing:
        raise ValidationFailed(
            f"第1行缺少必填列：{'、'.join(missing)}。{template_hint}，列名需与模板一致",
            fields={"file": "缺少必填列"},
        )
    return columns


# A spreadsheet's parts compress about 5–30 times; a part that claims far more is a zip bomb.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM = 8 * 1024 * 1024  # small parts (styles, a short sheet) may compress better: not judged
ZIP_MAX_MEMBERS = 10_000


def check_zip_sizes(archive: zipfile.ZipFile, *, max_total: int, what: str) -> None:
    """Refuses an xlsx (a zip) whose declared sizes say it would unpack to too much, before any part of
    it is decompressed. The declared sizes bind: Python's zipfile never yields more than a member's
    declared size (and fails its CRC if the data was longer), so a lying header cannot sneak more past.
    ``what`` names what the file should have been, for the message."""
    bomb = ValidationFailed(f"文件解压后过大，不像是{what}，已拒绝", fields={"file": "文件异常"})
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise bomb
    if sum(info.file_size for info in members) > max_total:
        raise bomb
    for info in members:
        if info.file_size > ZIP_RATIO_FROM and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise bomb
