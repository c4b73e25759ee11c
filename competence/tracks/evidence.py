"""Checks of evidence files: size, type by name and by content, not empty."""

from dataclasses import dataclass
from pathlib import PurePath

from flask_babel import lazy_gettext as _l

# Extension -> (content type, signatures the file must start with; None = UTF-8 text).
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".txt": ("text/plain; charset=utf-8", None),
}
TYPES = "PDF, PNG, JPG, DOCX, XLSX, PPTX, ODT, TXT"
MAX_BYTES = 10 * 1024 * 1024


class EvidenceError(ValueError):
    """A file that cannot be accepted; the message says why, `status` is the HTTP status."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: a safe name, its type and content."""

    filename: str
    content_type: str
    data: bytes


def check_evidence(filename: str, data: bytes, max_bytes: int = MAX_BYTES) -> CheckedFile:
    """Accept a file if it is small enough, not empty, and really of an allowed type."""
    name = PurePath(filename.replace("\\", "/")).name.strip() or "file"
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise EvidenceError(
            _l("Files of this type are not accepted. Allowed: %(types)s.", types=TYPES), 415
        )
    if not data:
        raise EvidenceError(_l("The file is empty."))
    if len(data) > max_bytes:
        raise EvidenceError(
            _l("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)), 413
        )
    content_type, signatures = ALLOWED[extension]
    if signatures is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise EvidenceError(_l("The file's content does not match its type."), 415) from None
    elif not data.startswith(signatures):
        raise EvidenceError(_l("The file's content does not match its type."), 415)
    return CheckedFile(name[:200], content_type, data)
