"""Output files of every command (`w2c compile`, `w2c build`, `w2c run`'s
cache): written atomically, and every problem with an output path reported
as one OutputError (the CLI's usage error, exit 2), never a traceback.

    with Outputs(shown) as out:        # `shown`: the path named to the user
        tmp = out.temp(final)          # an empty file beside `final`
        ...write tmp...
        out.commit()                   # rename every temp over its final path

Until commit() nothing is visible: when the block fails (a bad module, a
full disk, a folder that cannot be made) the temporary files and the
folders this transaction created are removed, so nothing is left behind.
An OSError about a path (permissions, read-only or full file system, a
directory or a file where the other is needed) becomes an OutputError
naming the output.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

# OSErrors that mean "this path cannot be written" (not a bug in w2c).
PATH_ERRNOS = frozenset({
    errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG,
    errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG,
    errno.ELOOP, errno.ETXTBSY, errno.EMLINK,
})


class OutputError(Exception):
    """An output path cannot be written (shown as `error: <message>`, exit 2)."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Outputs:
    """Temporary files beside their final paths, renamed into place together."""

    def __init__(self, shown: str | os.PathLike):
        self.shown = str(shown)
        self.temps: list[tuple[str, Path]] = []      # (temporary path, final path)
        self.created: list[Path] = []                # folders made here, outermost first

    def check_target(self, final: Path) -> None:
        """Refuse a final path that is a directory or a file the user cannot write."""
        if final.is_dir():
            raise OutputError(f"{final}: is a directory, not a file to write")
        if final.exists() and not os.access(final, os.W_OK):
            raise OutputError(f"{final}: cannot write: read-only file")

    def folder(self, path: Path) -> None:
        """Make `path` and its missing parents (remembered, to be removed on failure)."""
        missing = []
        p = Path(path)
        while not p.is_dir():
            if p.exists() or p.is_symlink():
                raise OutputError(f"{self.shown}: cannot create folder {p}: "
                                  f"a file of that name exists")
            missing.append(p)
            if p.parent == p:
                break
            p = p.parent
        for p in reversed(missing):
            try:
                p.mkdir()
            except OSError as err:
                raise self.error(err, f"cannot create folder {p}") from None
            self.created.append(p)

    def temp(self, final: str | os.PathLike, mode: int = 0o666) -> Path:
        """A new empty file beside `final`, to be renamed over it by commit(),
        with the permissions a plain open() (mode 0o666) or a linker (0o777) gives."""
        final = Path(final)
        self.check_target(final)
        self.folder(final.parent)
        try:
            fd, path = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
        except OSError as err:
            raise self.error(err, f"cannot write in {final.parent}") from None
        self.temps.append((path, final))
        try:
            os.fchmod(fd, mode & ~_umask())
        finally:
            os.close(fd)
        return Path(path)

    def commit(self) -> None:
        """Rename every temporary file over its final path, in the order made."""
        while self.temps:
            path, final = self.temps[0]
            try:
                os.replace(path, final)
            except OSError as err:
                raise self.error(err, f"cannot write {final}") from None
            self.temps.pop(0)
        self.created = []

    def error(self, err: OSError, what: str) -> OutputError:
        return OutputError(f"{self.shown}: {what}: {err.strerror or err}")

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            return
        for path, _ in self.temps:
            try:
                os.unlink(path)
            except OSError:
                pass
        for folder in reversed(self.created):
            try:
                folder.rmdir()
            except OSError:
                pass
        if isinstance(exc, OSError) and exc.errno in PATH_ERRNOS:
            raise self.error(exc, "cannot write") from None
