"""The ``preclin`` command line (Typer).

Thin by design: parse, call the rooms' public functions, print. Each room's
commands live in their own module here (``_fit.py``, ``_stats.py``, ...) with
a ``register(app)`` function; heavy imports happen inside the commands so
``preclin --help`` stays instant.

Exit codes: 0 success, 2 bad input (:class:`~preclin.core.errors.InputError`,
one line on stderr, no traceback), 3 fit error, 4 knowledge-base error,
1 anything else.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence

import typer

from preclin._version import __version__

__all__ = ["app", "main"]

# Modules that add commands; a module that does not exist yet is skipped.
_COMMAND_MODULES = (
    "_datasets",
    "_fit",
    "_stats",
    "_power",
    "_design",
    "_nca",
    "_pk",
    "_plate",
    "_receptor",
    "_study",
    "_kb",
    "_guide",
    "_translate",
)

app = typer.Typer(
    name="preclin",
    help="preclin: preclinical pharmacology from raw data to a defensible answer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"preclin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """preclin: preclinical pharmacology from raw data to a defensible answer."""


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        full = f"preclin.cli.{name}"
        if importlib.util.find_spec(full) is None:
            continue
        importlib.import_module(full).register(app)


_register_all()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (bad input → 2 with one line on stderr)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="preclin")
    except SystemExit as exc:  # click's standalone mode: usage errors exit 2
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except Exception as exc:
        from preclin.core.errors import PreclinError

        if isinstance(exc, PreclinError):
            typer.echo(f"error: {exc}", err=True)
            return exc.exit_code
        raise
    return 0
