"""A cap on the whole multipart body, before Django streams any file part to a temporary file.

``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves file parts out, and ``FILE_UPLOAD_MAX_MEMORY_SIZE`` only moves a
large part from memory to disk, so without this a client could make the server write gigabytes to /tmp
before any view checks a size. The cap is ``UPLOAD_MAX_REQUEST_BYTES``: a declared Content-Length over it
is refused before a byte is read, and a chunked body (no length) is refused as soon as its file parts
pass it. The refusal is ``RequestDataTooBig``: a 400 (Django's 400 page, the API's one error shape, the
Open311 error list).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


def max_request_bytes() -> int:
    return int(settings.UPLOAD_MAX_REQUEST_BYTES)


class RequestSizeLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts every file byte and passes it on to the next handler."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        if content_length and content_length > max_request_bytes():
            raise RequestDataTooBig("Upload exceeds UPLOAD_MAX_REQUEST_BYTES.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_request_bytes():
            raise RequestDataTooBig("Upload exceeds UPLOAD_MAX_REQUEST_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
