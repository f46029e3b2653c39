"""What every command prints on stderr, and how it stops on bad input (exit code 2)."""

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)


def bad_input(error: Exception | str) -> typer.Exit:
    """Print the error (its text as written: a "[section]" it names is not markup) and exit 2."""
    err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
    return typer.Exit(2)


def say(text: str) -> None:
    """A warning or note on stderr, as written."""
    err.print(escape(text), highlight=False)
