"""What every command prints on stderr, and how it stops on bad input (exit code 2)."""

import typer
from rich.console import Console

err = Console(stderr=True)


def bad_input(error: Exception | str) -> typer.Exit:
    err.print(f"[red]error:[/red] {error}", highlight=False)
    return typer.Exit(2)
