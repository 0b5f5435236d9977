"""The `expresspy port PATH... [-o OUT] [--force] [--check]` command (click)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["port_command"]


@click.command("port")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the translation under this folder (default: beside the sources).",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option(
    "--check",
    is_flag=True,
    help="Translate without writing; exit 1 if any TODO(port) or syntax error remains.",
)
def port_command(paths: tuple[Path, ...], out: Path | None, force: bool, check: bool) -> None:
    """Translate Express apps (JavaScript) and their EJS/Handlebars views to expresspy.

    PATH is a file or a project folder (every .js/.cjs/.mjs outside node_modules, and the
    templates under views/). Untranslatable constructs become `# TODO(port): FILE:LINE:`
    comments, listed in the summary.
    """
    from .parse import INSTALL_HINT
    from .project import PortError, port
    from .report import summary

    try:
        result = port(list(paths), out=out, force=force, write=not check)
    except PortError as exc:
        raise click.ClickException(str(exc)) from None
    except RuntimeError as exc:
        if str(exc) == INSTALL_HINT:
            raise click.ClickException(INSTALL_HINT) from None
        raise
    for line in summary(result, None if check else Path.cwd()):
        click.echo(line, err=line in result.errors)
    if result.errors or (check and result.todos):
        raise SystemExit(1)
