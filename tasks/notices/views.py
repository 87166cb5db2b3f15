"""The group robots' configuration pages (office staff): list, add, edit, remove, send a test message.

The role is checked before any robot is looked up (403), then the robot in the user's scope (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from regions.models import Department
from tasks.access import require_robot_manager
from tasks.models import Robot
from tasks.notices.forms import RobotForm
from tasks.notices.services.contacts import contact_departments, update_head
from tasks.notices.services.robots import (
    create_robot,
    get_robot_for,
    mask_secret,
    remove_robot,
    robots_visible_to,
    send_test_message,
    update_robot,
)


def _robot(request: HttpRequest, pk: int) -> Robot:
    try:
        return get_robot_for(request.user, pk)  # NotPermitted (403) first
    except Robot.DoesNotExist:
        raise Http404(_("No such robot.")) from None


@login_required
@require_http_methods(["GET"])
def robot_list(request: HttpRequest) -> HttpResponse:
    require_robot_manager(request.user)
    robots = list(
        robots_visible_to(request.user).select_related("region", "department").order_by("region__code", "pk")
    )
    for robot in robots:
        robot.masked_secret = mask_secret(robot.secret)
    return render(request, "tasks/notices/robot_list.html", {"robots": robots})


def _save(request: HttpRequest, form: RobotForm, robot: Robot | None) -> Robot | None:
    if not form.is_valid():
        return None
    try:
        if robot is None:
            return create_robot(request.user, **form.service_fields())
        return update_robot(request.user, robot, **form.service_fields())
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def robot_add(request: HttpRequest) -> HttpResponse:
    require_robot_manager(request.user)
    form = RobotForm(request.POST or None, user=request.user)
    if request.method == "POST" and (robot := _save(request, form, None)):
        messages.success(
            request, _("Robot “%(name)s” added. Send a test message to check it.") % {"name": robot.name}
        )
        return redirect("robot_edit", pk=robot.pk)
    return render(request, "tasks/notices/robot_form.html", {"form": form, "robot": None})


@login_required
@require_http_methods(["GET", "POST"])
def robot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    robot = _robot(request, pk)
    form = RobotForm(request.POST or None, user=request.user, robot=robot)
    if request.method == "POST" and _save(request, form, robot):
        messages.success(request, _("Robot “%(name)s” saved.") % {"name": robot.name})
        return redirect("robot_list")
    return render(request, "tasks/notices/robot_form.html", {"form": form, "robot": robot})


@login_required
@require_POST
def robot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    robot = _robot(request, pk)
    if remove_robot(request.user, robot) == "deleted":
        messages.success(request, _("Robot “%(name)s” deleted.") % {"name": robot.name})
    else:
        messages.info(
            request,
            _("Robot “%(name)s” has posted before: it is deactivated, so that its deliveries stay on record.")
            % {"name": robot.name},
        )
    return redirect("robot_list")


@login_required
@require_POST
def robot_test(request: HttpRequest, pk: int) -> HttpResponse:
    robot = _robot(request, pk)
    result = send_test_message(request.user, robot)
    text = _("%(summary)s Answer: %(answer)s") % {"summary": result.summary, "answer": result.answer or "—"}
    (messages.success if result.ok else messages.error)(request, text)
    return redirect("robot_edit", pk=robot.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest) -> HttpResponse:
    """The department heads' contacts (the escalation ladder's second step), edited one row at a time."""
    require_robot_manager(request.user)
    departments = contact_departments(request.user)
    errors: dict[int, dict[str, list[str]]] = {}
    if request.method == "POST":
        try:
            department = departments.get(pk=int(request.POST.get("department", "0")))
        except (ValueError, Department.DoesNotExist):
            raise Http404(_("No such department.")) from None
        try:
            update_head(
                request.user,
                department,
                name=request.POST.get("head_name", ""),
                mobile=request.POST.get("head_mobile", ""),
                email=request.POST.get("head_email", ""),
            )
        except ValidationError as error:
            errors[department.pk] = error.message_dict
        else:
            messages.success(
                request, _("Saved the head's contact of %(department)s.") % {"department": department.name}
            )
            return redirect("contacts")
    page = Paginator(departments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/notices/contacts.html",
        {"page": page, "errors": errors, "posted": request.POST if errors else {}},
        status=400 if errors else 200,
    )
