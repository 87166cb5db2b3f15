"""The group robot form of the configuration pages; the service (services/robots.py) checks the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tasks.models import EventKind, Robot
from tasks.models.notices import ROBOT_PLATFORMS
from tasks.notices.services.robots import mask_secret, robot_departments, robot_regions


class RobotForm(forms.Form):
    platform = forms.ChoiceField(label=_("platform"), choices=[(c.value, c.label) for c in ROBOT_PLATFORMS])
    name = forms.CharField(label=_("name"), max_length=100)
    webhook_url = forms.URLField(label=_("webhook URL"), max_length=500, assume_scheme="https")
    # Write-only: never rendered back (render_value off); left empty on edit, the robot keeps its secret.
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("钉钉 加签 or 飞书 签名校验; WeCom robots have none."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the signing secret"), required=False)
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: it posts every kind."),
    )
    region = forms.ModelChoiceField(label=_("office region"), queryset=None)
    department = forms.ModelChoiceField(
        label=_("department"),
        queryset=None,
        required=False,
        empty_label=_("The office's own group"),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, user: User, robot: Robot | None = None, **kwargs) -> None:
        if robot is not None:
            kwargs.setdefault(
                "initial",
                {
                    "platform": robot.platform,
                    "name": robot.name,
                    "webhook_url": robot.webhook_url,
                    "events": robot.events,
                    "region": robot.region_id,
                    "department": robot.department_id,
                    "is_active": robot.is_active,
                },
            )
        elif user.region_id:
            kwargs.setdefault("initial", {"region": user.region_id, "is_active": True})
        super().__init__(*args, **kwargs)
        self.robot = robot
        self.fields["region"].queryset = robot_regions(user).order_by("code")
        self.fields["department"].queryset = (
            robot_departments(user).select_related("region").order_by("region__code", "name")
        )
        if robot is None:
            del self.fields["clear_secret"]
        elif robot.secret:
            self.fields["secret"].help_text = _("Set: %(masked)s. Leave empty to keep it.") % {
                "masked": mask_secret(robot.secret)
            }
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            widget.attrs.setdefault("id", f"id_{name}")

    def service_fields(self) -> dict:
        """The cleaned data as the service takes it (secret None: unchanged)."""
        data = dict(self.cleaned_data)
        clear = data.pop("clear_secret", False)
        secret = data.pop("secret", "")
        if self.robot is None:
            data["secret"] = secret
        else:
            data["secret"] = "" if clear else (secret or None)
        return data
