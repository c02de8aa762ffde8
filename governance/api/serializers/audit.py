"""The audit log through the API: entries with their hashes and field-level changes."""

from __future__ import annotations

from rest_framework import serializers

from core.models import AuditEvent

__all__ = ["AuditEventSerializer"]


class AuditEventSerializer(serializers.ModelSerializer):
    """One entry of the hash-chained audit log (read-only)."""

    id = serializers.IntegerField(source="seq", read_only=True,
                                  help_text="The entry's position in the chain (same as seq).")
    record_type = serializers.SerializerMethodField(
        help_text="The record's type as app_label.model, e.g. inventory.mlmodel.")
    values = serializers.SerializerMethodField(
        help_text="The record's fields after the change, or the access details.")
    changes = serializers.SerializerMethodField(
        help_text="Each field that changed since the record's previous entry: "
                  "field, label, before and after, as shown to readers.")

    class Meta:
        model = AuditEvent
        fields = ["id", "seq", "occurred_at", "kind", "action", "record_type", "object_id",
                  "object_repr", "actor", "user", "reason", "source", "values", "changes",
                  "content_hash", "prev_hash", "entry_hash"]
        read_only_fields = fields

    def get_record_type(self, event: AuditEvent) -> str | None:
        if event.content_type_id is None:
            return None
        return f"{event.content_type.app_label}.{event.content_type.model}"

    def get_values(self, event: AuditEvent) -> dict:
        return event.values

    def get_changes(self, event: AuditEvent) -> list[dict]:
        row = self.context.get("audit_rows", {}).get(event.seq)
        if row is None:
            return []
        return [{"field": c.field, "label": c.label, "before": c.before, "after": c.after}
                for c in row.changes]
