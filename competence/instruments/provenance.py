"""Where a version came from, said in words: never a path on the server."""

from pathlib import PurePath

from flask_babel import gettext as _

RECOMPILED = " (recompiled)"
# Content files live under this folder of the project; paths are shown from it on.
CONTENT_FOLDER = "instruments"


def source_label(source: str | None) -> str:
    """Return how a version's source ("editor", "file:/srv/…/instruments", "import:x.yaml",
    each possibly followed by " (recompiled)") is shown to methodists."""
    source = source or ""
    recompiled = source.endswith(RECOMPILED)
    source = source.removesuffix(RECOMPILED)
    if source.startswith("file:"):
        path = _relative(source.removeprefix("file:"))
        if path.endswith((".yaml", ".yml")):
            label = _("file %(path)s", path=path)
        else:
            label = _("files %(path)s/", path=path)
    elif source.startswith("import:"):
        label = _("import of %(name)s", name=PurePath(source.removeprefix("import:")).name)
    elif source == "editor":
        label = _("portal editor")
    else:
        label = _("unknown")
    if recompiled:
        return _("%(source)s, rebuilt when its framework or scale changed", source=label)
    return label


def _relative(path: str) -> str:
    """Return a path from the content folder on (instruments/x.yaml), or just its last name."""
    parts = PurePath(path).parts
    if CONTENT_FOLDER in parts:
        index = len(parts) - 1 - parts[::-1].index(CONTENT_FOLDER)
        return "/".join(parts[index:])
    return parts[-1] if parts else ""
