"""Content negotiation for downloads: the file is the file, whatever the client says it accepts."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation

__all__ = ["FirstRenderer"]


class FirstRenderer(DefaultContentNegotiation):
    """Whatever the client accepts: the file is the file, and an error is JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
