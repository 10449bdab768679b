"""The resident site's sign-in forms (phone, then the one-time code): they read the posted fields as typed,
trimmed; the accounts service checks them, with its Chinese messages."""

from __future__ import annotations

from gongzhi.core.forms import ConsoleForm, text_field


class OtpRequestForm(ConsoleForm):
    """The phone a one-time code is sent to."""

    phone = text_field()

    def phone_posted(self) -> str:
        return self.text("phone").strip()


class OtpVerifyForm(OtpRequestForm):
    """The phone and the code received."""

    code = text_field()

    def code_posted(self) -> str:
        return self.text("code").strip()
