"""Reading zip members safely: in memory or streamed, never extracted, always size-limited.

A health export is a zip a person downloaded; it may also be a zip bomb. Nothing here writes a
member to disk or uses a member's name as a path, so no name can escape anywhere. Each member
is read through a counter that stops at a limit, whatever its header claims, because a header
can lie about the uncompressed size.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
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
