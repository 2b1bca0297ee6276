"""``preclin guide`` commands and the optional PDF output."""

from __future__ import annotations

import importlib.util

import pytest

from preclin.cli import main


def test_guide_list_and_new(capsys, tmp_path):
    assert main(["guide", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("alnespirone", "azapirones", "basimglurant"):
        assert name in out
    spec = tmp_path / "s.yaml"
    assert main(["guide", "new", "--compound", "buspirone", "--out", str(spec)]) == 0
    assert "type: affinities" in spec.read_text(encoding="utf-8")


def test_guide_build_and_bad_input(capsys, tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: Buspirone\ncompounds: [buspirone]\nsections:\n  - type: profile\n"
        "  - type: affinities\n    targets: [HTR1A]\n",
        encoding="utf-8",
    )
    out = tmp_path / "b.html"
    assert main(["guide", "build", str(spec), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    spec.write_text("title: X\ncompounds: [nobody]\nsections:\n  - type: profile\n")
    assert main(["guide", "build", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "s.yaml, line 2: compound 'nobody' is not in the knowledge store" in err


def _weasyprint_missing() -> str | None:
    if importlib.util.find_spec("weasyprint") is None:
        return "WeasyPrint is not installed: pip install preclin[pdf] (Debian: apt-get install "
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # system libraries missing
        return f"WeasyPrint cannot load its system libraries ({exc}): apt-get install "
    return None


_MISSING = _weasyprint_missing()


@pytest.mark.skipif(
    _MISSING is not None, reason=f"{_MISSING}libpango-1.0-0 libpangoft2-1.0-0)".strip()
)
def test_pdf(tmp_path):
    from preclin.report import write_guide

    out = write_guide("azapirones", tmp_path / "g.pdf", pdf=True)
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.skipif(_MISSING is None, reason="WeasyPrint is installed")
def test_pdf_without_weasyprint_says_how_to_install(capsys, tmp_path):
    assert main(["guide", "build", "azapirones", "--out", str(tmp_path / "g.pdf"), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "pip install preclin[pdf]" in err and "libpango-1.0-0 libpangoft2-1.0-0" in err
