"""The forms of 批示 and 办理情况: they parse input only; the services decide what is allowed and say
why (the text is optional here so that the service's own message is shown)."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tasks.instructions.services.instructing import TEXT_MAX_CHARS
from tasks.uploads import EVIDENCE_ACCEPT, evidence_help

TEXTAREA = {"class": "form-control", "rows": 3, "maxlength": TEXT_MAX_CHARS}


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("Instruction"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("What has been done"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    file = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=lazy(evidence_help, str)(),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": EVIDENCE_ACCEPT}),
    )
