"""The name an uploaded file is kept or read under: only the last part of the name it was sent with."""

from pathlib import Path


def kept_name(given: str | None, default: str) -> str:
    """The last part of ``given`` (a path or a Windows path cut to its file name; characters that cannot be printed
    replaced; at most 200 characters), or ``default`` when that is empty or only dots, so that no name can reach
    outside the folder the file is written to."""
    base = Path((given or "").replace("\\", "/")).name
    base = "".join(ch if ch.isprintable() else "_" for ch in base)[-200:]
    return base if base.strip(". ") else default
