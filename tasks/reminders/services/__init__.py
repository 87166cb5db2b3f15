"""Claiming, composing and delivering reminders; the daily scan."""
