"""PDF output with WeasyPrint (optional extra ``pdf``)."""

from __future__ import annotations

from pathlib import Path

from preclin.core.errors import InputError

__all__ = ["INSTALL_HINT", "require_weasyprint", "write_pdf"]

INSTALL_HINT = (
    "install it with `pip install preclin[pdf]` and, on Debian/Ubuntu, the system "
    "libraries `apt-get install libpango-1.0-0 libpangoft2-1.0-0`"
)


def require_weasyprint() -> object:
    """Import WeasyPrint or raise an :class:`InputError` saying how to install it."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: system libraries (pango) missing
        raise InputError(
            f"PDF output needs WeasyPrint, which cannot be imported ({exc})", hint=INSTALL_HINT
        ) from None
    return weasyprint


def write_pdf(html: str, out: Path) -> Path:
    """Render ``html`` (a self-contained guide) to ``out`` as PDF."""
    weasyprint = require_weasyprint()
    weasyprint.HTML(string=html, base_url=str(out.parent)).write_pdf(str(out))  # type: ignore[attr-defined]
    return out
