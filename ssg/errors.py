"""One error type for everything a user can get wrong, so the CLI can print `file:line: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(eq=False)
class SiteError(Exception):
    """A problem in the user's site, located as precisely as we know."""

    path: str | Path | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "site"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class BuildFailed(Exception):
    """Raised when a build found one or more SiteErrors; carries all of them."""

    def __init__(self, errors: list[SiteError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class SiteWarning:
    """A problem that does not stop the build (e.g. a feed entry without a date)."""

    path: str | Path | None
    line: int | None
    message: str

    def __str__(self) -> str:
        return "warning: " + str(SiteError(self.path, self.line, self.message))
