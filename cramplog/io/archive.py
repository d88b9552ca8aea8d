"""Reading zip files someone handed us, safely.

Members are read into memory, never extracted, so no member name ("../../.bashrc", an absolute
path, a link) can put anything on disk. Sizes are counted as the bytes come out, not taken from
the zip's own (forgeable) header, so a zip bomb stops at the limit.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from cramplog.errors import InputError

MEMBER_LIMIT = 256 * 1024 * 1024  # one CSV of a cramplog export: a century of diary is ~20 MB
TOTAL_LIMIT = 512 * 1024 * 1024
_CHUNK = 1024 * 1024


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            "FILE", f"{path} is not a readable zip file ({exc})", "a zip file"
        ) from None


def member_names(path: Path) -> list[str]:
    with _open(path) as zf:
        return [info.filename for info in zf.infolist() if not info.is_dir()]


def read_members(
    path: Path,
    wanted: set[str],
    *,
    member_limit: int | None = None,
    total_limit: int | None = None,
) -> dict[str, bytes]:
    """The members whose base name is in `wanted`, as bytes keyed by that base name.

    A base name found twice (two folders in the zip) is refused rather than guessed.
    """
    member_limit = member_limit or MEMBER_LIMIT
    total_limit = total_limit or TOTAL_LIMIT
    found: dict[str, bytes] = {}
    total = 0
    with _open(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if base not in wanted:
                continue
            if base in found:
                raise InputError("FILE", f"{path} holds two files called {base}", "one of each")
            chunks: list[bytes] = []
            size = 0
            try:
                with zf.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > member_limit or total > total_limit:
                            raise InputError(
                                "FILE",
                                f"{info.filename} in {path} unpacks to more than "
                                f"{min(member_limit, total_limit) // (1024 * 1024)} MB "
                                "(a zip bomb or not a cramplog export); nothing was written",
                                "a zip written by cramplog export --format csv",
                            )
                        chunks.append(chunk)
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                NotImplementedError,
                RuntimeError,
                zlib.error,
            ) as exc:
                raise InputError(
                    "FILE", f"{info.filename} in {path} cannot be read ({exc})", "an intact zip"
                ) from None
            found[base] = b"".join(chunks)
    return found
