"""Reminders (催办): manual ones, the daily digests and escalations, their delivery and the bell."""
