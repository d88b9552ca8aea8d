"""Reading zip members safely: in memory or streamed, never extracted, always size-limited.

Used by the health-app importers (stream, read) and by cramplog's own CSV zip (read_members).

A health export is a zip a person downloaded; it may also be a zip bomb. Nothing here writes a
member to disk or uses a member's name as a path, so no name can escape anywhere. Each member
is read through a counter that stops at a limit, whatever its header claims, because a header
can lie about the uncompressed size.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cramplog.errors import InputError

# Real exports are 1-4 GB of XML (Apple) and rarely more than a few hundred MB of SQLite
# (Health Connect). A member that inflates past these, or far more than XML or SQLite ever
# compresses, is refused rather than read to the end.
MAX_STREAM_BYTES = 16 * 1024**3
MAX_MEMORY_BYTES = 1024**3
MAX_RATIO = 200

ZIP_ACCEPTED = "a zip file as the health app exported it"


class LimitedReader(io.RawIOBase):
    """A member's bytes, refusing to go past `limit` (the zip-bomb stop)."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self._raw = raw
        self._limit = limit
        self._name = name
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        self.done += len(data)
        if self.done > self._limit:
            raise too_big(self._name, self._limit)
        buffer[: len(data)] = data
        return len(data)


def too_big(name: str, limit: int) -> InputError:
    return InputError(
        "FILE",
        f"{name} inflates past {limit // 1024**2} MB (a damaged file or a zip bomb); "
        "nothing was written",
        ZIP_ACCEPTED,
    )


def open_zip(path: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError("FILE", f"cannot read the zip file: {exc}", ZIP_ACCEPTED) from exc


def _check(info: zipfile.ZipInfo, limit: int) -> None:
    if info.file_size > limit:
        raise too_big(info.filename, limit)
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise too_big(info.filename, limit)


@contextmanager
def stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[LimitedReader]:
    """A member as a stream, for the multi-gigabyte export.xml."""
    _check(info, MAX_STREAM_BYTES)
    try:
        with zf.open(info) as raw:
            yield LimitedReader(raw, min(MAX_STREAM_BYTES, info.file_size), info.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise InputError("FILE", f"cannot read {info.filename}: {exc}", ZIP_ACCEPTED) from exc


def read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_MEMORY_BYTES) -> bytes:
    """A small member (a CSV, a JSON session, a SQLite file) read whole into memory."""
    _check(info, limit)
    with stream(zf, info) as member:
        reader = LimitedReader(member, min(limit, info.file_size), info.filename)
        chunks = []
        while chunk := reader.read(1024 * 1024):
            chunks.append(chunk)
        return b"".join(chunks)


# --- cramplog's own CSV zip: small members, read whole -------------------------------------

MEMBER_LIMIT = 256 * 1024 * 1024  # one CSV of a cramplog export: a century of diary is ~20 MB
TOTAL_LIMIT = 512 * 1024 * 1024
_CHUNK = 1024 * 1024


def _open_path(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            "FILE", f"{path} is not a readable zip file ({exc})", "a zip file"
        ) from None


def member_names(path: Path) -> list[str]:
    with _open_path(path) as zf:
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
    with _open_path(path) as zf:
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
