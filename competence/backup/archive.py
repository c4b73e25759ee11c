"""The backup file: a tar archive holding a manifest and one database dump.

The manifest names the dialect, the schema revision and every table's row count, so a restore
can refuse a file that does not fit the target and prove afterwards that every row came back.
Uploaded evidence, certificate PDFs and letters live in the database, so the dump holds them.
"""

import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds."""

    dialect: str
    revision: str | None
    created_at: str
    tables: dict[str, int]

    def to_json(self) -> bytes:
        """Return the manifest as JSON bytes."""
        data = {"format": FORMAT, **self.__dict__}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        """Read a manifest, refusing one of an unknown format."""
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(f"unsupported backup format {data.get('format')!r}")
            tables = {str(k): int(v) for k, v in data["tables"].items()}
            return cls(data["dialect"], data["revision"], data["created_at"], tables)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"the backup's manifest is damaged: {error}") from error


def write(path: Path, manifest: Manifest, dump: Path) -> None:
    """Write the archive readable by its owner only: it holds everyone's personal data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_TRUNC
    with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
        tar.add(dump, arcname=DUMPS[manifest.dialect])


def read(path: Path, into: Path) -> tuple[Manifest, Path]:
    """Unpack the manifest and the dump into the folder `into`; return both."""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            manifest = Manifest.from_json(_member(tar, MANIFEST).read())
            name = DUMPS.get(manifest.dialect)
            if name is None:
                raise BackupError(f"unknown database kind {manifest.dialect!r} in the backup")
            target = into / name
            with open(target, "wb") as out:
                source = _member(tar, name)
                while chunk := source.read(1 << 20):
                    out.write(chunk)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup: {error}") from error
    return manifest, target


def _member(tar: tarfile.TarFile, name: str):
    """Return a file object of one regular member, refusing anything else under that name."""
    try:
        info = tar.getmember(name)
    except KeyError:
        raise BackupError(f"the backup has no {name}") from None
    handle = tar.extractfile(info) if info.isfile() else None
    if handle is None:
        raise BackupError(f"{name} in the backup is not a regular file")
    return handle
