"""Writing files a person will keep: reports, charts, exports, backups.

Every file cramplog writes holds health data, so each one is owner-only (0600) and every folder
cramplog creates is owner-only (0700), whatever the umask. A file is written to a temporary
name in its own folder and renamed into place only when complete, so a full disk or a crash
leaves no half-written PDF behind. An existing file is replaced only with `--force`, and a
symbolic link is never followed, not even with `--force` (it could point anywhere).

This module imports nothing heavy: `backup` and `export` use it as well as the reports.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from cramplog.errors import FaultError, InputError

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700; folders that exist are left alone."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        if current.is_symlink():  # a dangling link: creating through it would land elsewhere
            raise InputError("-o", f"{current} is a symbolic link", "a real folder")
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with suppress(FileExistsError):
            path.mkdir(mode=DIR_MODE)
        path.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask; chmod is not


def check_target(path: Path, *, force: bool, option: str = "-o") -> None:
    """Refuse a symbolic link always, and an existing file unless `force`."""
    if path.is_symlink():
        raise InputError(
            option,
            f"{path} is a symbolic link; cramplog does not write through links",
            "a plain file name",
        )
    if path.exists():
        if path.is_dir():
            raise InputError(option, f"{path} is a folder", "a file name")
        if not force:
            raise InputError(
                option, f"{path} exists", "a new file name", hint="add --force to replace it"
            )


@contextmanager
def private_output(path: Path, *, force: bool = False, option: str = "-o") -> Iterator[Path]:
    """Yield a temporary path beside `path` to write to; rename it into place on success.

    On any failure the temporary file is removed and `path` is as it was. OSErrors become
    FaultError: one line that names the cause.
    """
    check_target(path, force=force, option=option)
    folder = path.parent if str(path.parent) else Path(".")
    with os_faults(path):
        make_private_dirs(folder)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        os.close(fd)
    temp = Path(name)
    try:
        os.chmod(temp, FILE_MODE)
        yield temp
        with os_faults(path):
            _fsync(temp)
            if path.is_symlink():  # appeared while we wrote: still never replace a link
                raise InputError(option, f"{path} is a symbolic link", "a plain file name")
            if not force and path.exists():
                raise InputError(
                    option, f"{path} exists", "a new file name", hint="add --force to replace it"
                )
            os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    with os_faults(path):
        os.chmod(path, FILE_MODE)


def write_private_text(path: Path, text: str, *, force: bool = False) -> Path:
    with private_output(path, force=force) as temp:
        temp.write_text(text, encoding="utf-8")
    return path


def tighten(path: Path) -> None:
    """Make an existing file owner-only (an old diary, or one copied in with loose modes)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700 | FILE_MODE)
    except OSError:
        pass  # not ours to fix (another owner); reading it still works


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- faults of the machine -------------------------------------------------------------------

_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "an input/output error (the disk or device failed)",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def describe_os_error(exc: OSError) -> str:
    """The cause of an OSError in a person's words."""
    return _CAUSES.get(exc.errno or 0) or (exc.strerror or str(exc))


def fault(exc: OSError, what: Path | str | None = None) -> FaultError:
    where = exc.filename or what or "a file"
    return FaultError(f"cannot write {where}: {describe_os_error(exc)}; nothing was written")


@contextmanager
def os_faults(what: Path | str | None = None) -> Iterator[None]:
    """Turn an OSError in the block into a one-line FaultError."""
    try:
        yield
    except OSError as exc:
        raise fault(exc, what) from None
