"""The console's sign-in form: the username (trimmed, at most 150 characters, as the user model holds) and
the password as typed; the authentication backends check them."""

from __future__ import annotations

from gongzhi.core.forms import ConsoleForm, text_field


class ConsoleLoginForm(ConsoleForm):
    username = text_field()
    password = text_field()

    def username_posted(self) -> str:
        return self.text("username").strip()[:150]

    def password_posted(self) -> str:
        return self.text("password")
