"""One error type for every refusal a service makes; the API and views turn it into one shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


class ApplicationError(Exception):
    """A refusal with a clear Chinese message, answered as a 4xx — never a 500.

    ``fields`` maps a field name to its Chinese message for form-level display.
    """

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields}
        body.update(self.extra)
        return body


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"


class NotFound(ApplicationError):
    """Missing and forbidden look the same: a 404 never tells whether the object exists."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or gettext("记录不存在或无权查看"), **kwargs)


class Forbidden(ApplicationError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or gettext("没有权限执行此操作"), **kwargs)


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


def field_error(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: message})
