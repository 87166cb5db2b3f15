"""What the import commands share: reading the file named on the command line."""

from pathlib import Path

from django.core.management.base import CommandError


def read_file(path: Path) -> bytes:
    """The file's bytes, or a CommandError naming the file and why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"无法读取文件 {path}：{error.strerror}") from None
