"""Signals the inventory sends, for other apps to react to (inventory imports none of them)."""

from django.dispatch import Signal

# Sent when a background job run ends; kwargs: job_run.
job_run_finished = Signal()
