"""Parsing an untrusted file in a child process with a memory and a time limit, so that whatever the file
does to the parser — a native abort on a huge allocation, a MemoryError, a loop — costs a child process
and a Chinese 400, never the web worker and the requests it is serving.

``run("gongzhi.core.sheetread:read_table", content, kind="xlsx", …)`` starts
``python -S -m gongzhi.core.parsing`` (a fresh interpreter with the parent's import path: no fork of a
threaded server), sends the target, the bytes and the options on stdin, and reads the answer from
stdout. The child first caps its address space (``RLIMIT_AS``, ``IMPORT_PARSE_MEMORY_MB``, 512 by
default) and its CPU time, then imports the target's module (which must not need Django) and calls it.
The parent waits ``IMPORT_PARSE_SECONDS`` (30) and kills the child after that.

The answer is plain data: the parent unpickles it with an unpickler that builds nothing but the
built-in containers, numbers, strings and ``datetime`` values, whatever the child wrote. A
``ValidationFailed`` the target raises comes back as itself (message and fields); ``sheetread.Damaged``
or any other exception as ``Unreadable`` for the caller to word; a dead or silent child, a timeout, or an
answer that is not plain data as ``crashed()`` — all of them 400s.
"""

from __future__ import annotations

import importlib
import io
import logging
import math
import os
import pickle
import resource
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from gongzhi.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]  # the directory holding the gongzhi package
_PLAIN_CLASSES = {("datetime", name) for name in ("datetime", "date", "time", "timedelta", "timezone")}


class Unreadable(Exception):  # a verdict on the file, not a fault of ours
    """The target found the file damaged; ``line`` where it went wrong (csv), when it knows."""

    def __init__(self, kind: str, line: int | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.line = line


def memory_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "IMPORT_PARSE_MEMORY_MB", 512)) * 1024 * 1024


def time_limit() -> float:
    from django.conf import settings

    return float(getattr(settings, "IMPORT_PARSE_SECONDS", 30))


def crashed() -> ValidationFailed:
    return ValidationFailed(
        gettext(
            "文件无法读取：解析时超出了内存或时间限制，文件可能已损坏或结构异常；请用Excel打开后另存为新文件，"
            "或拆分后重新上传"
        ),
        fields={"file": gettext("文件无法读取")},
    )


def run(target: str, content: object, **options: Any) -> Any:
    """``target`` ("module:function") called as ``function(content, **options)`` in a child process
    within the memory and time limits; its return value (plain data) or a refusal (see the module)."""
    seconds = time_limit()
    request = pickle.dumps(
        (target, content, options, memory_bytes(), seconds), protocol=pickle.HIGHEST_PROTOCOL
    )
    # The parent's import path as it is, without the site machinery (-S: no .pth files, no editable
    # finders to run at each start).
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), *(p for p in sys.path if p)]),
        "RUST_BACKTRACE": "0",  # a native abort logs its one line, not a page of frames
    }
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-S", "-m", "gongzhi.core.parsing"],
            input=request,
            capture_output=True,
            timeout=seconds,
            cwd=ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("parsing %s: killed after %.1f s", target, seconds)
        raise crashed() from None
    if done.returncode != 0:
        logger.warning(
            "parsing %s: child ended with %s after %.1f s: %s",
            target,
            done.returncode,
            time.monotonic() - started,
            done.stderr[-300:].decode(errors="replace").strip(),
        )
        raise crashed()
    try:
        answer = _PlainUnpickler(io.BytesIO(done.stdout)).load()
        status, *rest = answer
    except Exception as exc:  # an answer that is not plain data is a crash
        logger.warning("parsing %s: unusable answer (%s)", target, type(exc).__name__)
        raise crashed() from exc
    if status == "ok":
        return rest[0]
    if status == "refused":
        message, fields = rest
        raise ValidationFailed(str(message), fields={str(k): str(v) for k, v in dict(fields).items()})
    if status == "unreadable":
        kind, line = rest
        logger.info("parsing %s: %s", target, done.stderr[-500:].decode(errors="replace").strip())
        raise Unreadable(str(kind), int(line) if isinstance(line, int) else None)
    raise crashed()


class _PlainUnpickler(pickle.Unpickler):
    """Lists, tuples, dicts, str, numbers, None and datetime values; any other class is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def _limit(memory: int, seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, math.ceil(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _child() -> int:
    """The child's side: limits first, then the target; the answer pickled on stdout."""
    target, content, options, memory, seconds = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 — from our parent
    _limit(memory, seconds)
    try:
        module, name = target.split(":")
        answer: tuple[Any, ...] = ("ok", getattr(importlib.import_module(module), name)(content, **options))
    except ValidationFailed as exc:
        answer = ("refused", exc.message, exc.fields)
    except MemoryError:
        return 3
    except Exception as exc:  # any parser error says "damaged"
        traceback.print_exc(limit=-3)  # for the parent's log
        answer = ("unreadable", type(exc).__name__, getattr(exc, "line", None))
    del content
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
