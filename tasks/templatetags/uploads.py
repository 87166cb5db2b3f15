"""What an upload slot accepts, for the templates that render their file inputs by hand."""

from django import template

from tasks.uploads import EVIDENCE_ACCEPT, evidence_help

register = template.Library()


@register.simple_tag
def evidence_accepts(max_files: int | None = None) -> str:
    """The help text of an evidence slot: its kinds and size (and how many files, if several)."""
    return evidence_help(max_files)


@register.simple_tag
def evidence_accept() -> str:
    """The `accept` attribute of an evidence file input."""
    return EVIDENCE_ACCEPT
