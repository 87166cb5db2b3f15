"""Placeholder until the instructions branch lands."""

from django.db.models import Exists, OuterRef, QuerySet

from tasks.models import Instruction, InstructionReply


def unanswered_for(user) -> QuerySet[Instruction]:
    if not (user.is_active and user.is_liaison and user.department_id):
        return Instruction.objects.none()
    answered = InstructionReply.objects.filter(instruction=OuterRef("pk"), department_id=user.department_id)
    return Instruction.objects.filter(department_id=user.department_id).exclude(Exists(answered))
