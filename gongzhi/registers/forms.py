"""Console input of the registers pages: the import's two buttons and an export's period."""

from __future__ import annotations

from gongzhi.core.forms import ConsoleForm, text_field


class RegisterImportForm(ConsoleForm):
    """``action`` = "check" checks the sheet without saving it (仅校验)."""

    action = text_field()

    def dry_run(self) -> bool:
        return self.text("action") == "check"


class RegisterPeriodForm(ConsoleForm):
    """An export's period: ``year`` (hours, indicators) or ``month`` YYYY-MM (patrols)."""

    year = text_field()
    month = text_field()
