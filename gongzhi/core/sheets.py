"""What every spreadsheet import shares: finding its columns by their Chinese headers."""

from __future__ import annotations

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
