"""Celery jobs of the ledger. Thin: take ids, call services."""

from celery import shared_task

from tasks.models import Task


@shared_task(name="tasks.ping")
def ping(payload: str = "ping") -> dict:
    """Health check: proves a worker is consuming and can reach the database."""
    return {"echo": payload, "tasks": Task.objects.count()}
