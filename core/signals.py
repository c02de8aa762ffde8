"""Signals the platform sends, for apps to react to (the core imports none of them)."""

from django.dispatch import Signal

# Sent when a background job run ends; kwargs: job_run.
job_run_finished = Signal()
