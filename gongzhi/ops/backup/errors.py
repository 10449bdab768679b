"""The one error of backup and restore: a refusal or failure the operator reads."""

from __future__ import annotations


class BackupError(Exception):
    """A refusal or failure, said in Chinese for the operator; the commands turn it into an exit code."""

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        shown = "\n".join(f"  - {d}" for d in self.details[:50])
        more = f"\n  …… 另有 {len(self.details) - 50} 项" if len(self.details) > 50 else ""
        return f"{self.message}\n{shown}{more}"
