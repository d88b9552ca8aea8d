"""Files in and out of a diary: cramplog's own JSON and CSV, FHIR, and health-app exports.

`detect(path)` says what a file is from its content, never from its name: a person's
"diary.json" may well be an Apple Health zip renamed by a mail program.
"""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path

from cramplog.errors import InputError

CRAMPLOG_JSON = "cramplog-json"
CRAMPLOG_CSV = "cramplog-csv"
DIARY_FILE = "cramplog-diary-file"  # a SQLite diary or backup: that is `backup restore`'s

EXPECTED = (
    "a cramplog export (cramplog export -o diary.json, or --format csv -o diary.zip), "
    "an Apple Health export.zip/export.xml, a Health Connect zip or a Google Takeout zip"
)

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEAD = 4096


def detect(path: Path) -> str | None:
    """The kind of file at `path` (see the constants and `cramplog.io.health.sniff`), or None.

    Reads a few kilobytes (and a zip's table of contents), never the whole file.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as exc:
        from cramplog.files import describe_os_error

        raise InputError(
            "FILE", f"cannot read {path}: {describe_os_error(exc)}", EXPECTED
        ) from None
    if head.startswith(_SQLITE_MAGIC):
        return DIARY_FILE
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind = _zip_kind(path)
        if kind is not None:
            return kind
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"{") and (
            b'"cramplog-diary"' in text or b'"cramplog diary export' in text
        ):
            return CRAMPLOG_JSON
    return _health_kind(path)


def _zip_kind(path: Path) -> str | None:
    from cramplog.io.archive import member_names

    names = {name.rsplit("/", 1)[-1] for name in member_names(path)}
    if "cramplog-export.json" in names or {"episodes.csv", "days.csv"} <= names:
        return CRAMPLOG_CSV
    return None


def _health_kind(path: Path) -> str | None:
    health = health_module()
    if health is None:
        return None
    kind: str | None = health.sniff(path)
    return kind


def health_module():  # type: ignore[no-untyped-def]
    """`cramplog.io.health` when it is installed (it arrives from another branch), else None."""
    try:
        return importlib.import_module("cramplog.io.health")
    except ModuleNotFoundError as exc:
        if exc.name != "cramplog.io.health":
            raise
        return None


def is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False
