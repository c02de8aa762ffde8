"""Signals the inventory sends, for other apps to react to (inventory imports none of them).

Registry events are sent from the services **after the transaction commits**
(`transaction.on_commit`), so a receiver (webhooks, notifications) never reports a change
that was rolled back. Every one carries `actor` (a user or None for system work) and
`reason`.
"""

from django.dispatch import Signal

# A model version was registered; kwargs: version, actor, reason.
model_version_registered = Signal()

# A model version moved from one lifecycle stage to another; kwargs: version, from_stage,
# to_stage, actor, reason.
model_version_stage_changed = Signal()

# An alias (`champion`, `challenger`...) now points at another version (or was created);
# kwargs: alias, move (the AliasMove row), from_version (None when created), to_version,
# actor, reason.
alias_moved = Signal()
