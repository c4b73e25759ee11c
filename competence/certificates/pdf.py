"""Turn HTML and CSS into PDF bytes with WeasyPrint, using the fonts shipped in static/fonts.

One FontConfiguration and each parsed stylesheet are made once per process and reused: parsing
the @font-face rules and the CSS again for every document would cost more than rendering it.
WeasyPrint subsets the embedded fonts with HarfBuzz (libharfbuzz-subset0) when it is present,
which is about seven times faster than its fallback.
"""

import atexit
import threading
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
_lock = threading.Lock()


@cache
def font_config():
    """Return the process-wide WeasyPrint font configuration."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def stylesheet(path: str):
    """Return a parsed stylesheet from static/ (its @font-face rules use the shared fonts)."""
    from weasyprint import CSS

    return CSS(filename=str(STATIC / path), font_config=font_config())


@atexit.register
def _release_fonts() -> None:
    """Drop the font configuration while the interpreter is whole.

    Its finaliser calls into fontconfig; left to the interpreter's shutdown it runs after the
    bindings are gone and prints a TypeError.
    """
    stylesheet.cache_clear()
    font_config.cache_clear()


def render_pdf(html: str, stylesheets: tuple[str, ...] = ()) -> bytes:
    """Render an HTML document with stylesheets from static/ to PDF bytes."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(STATIC) + "/")
    sheets = [stylesheet(path) for path in stylesheets]
    # Fontconfig and Pango are not safe to drive from several threads of one process at once.
    with _lock:
        return document.write_pdf(stylesheets=sheets, font_config=font_config())
