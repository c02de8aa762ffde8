"""The frozen-version trigger (0010) accepts every *forward* stage move of a frozen version
(production → deprecated, archived or retired; deprecated → archived or retired; archived →
retired), not only the next step: the database is the backstop against changing evidence,
and skipping a step changes no evidence. The step-by-step rule is the lifecycle service's
(`inventory.services.lifecycle.TRANSITIONS`); backward moves stay refused here too.
"""

from django.db import migrations

FROZEN = "ARRAY['production','deprecated','archived','retired']"

GUARD = f"""
CREATE OR REPLACE FUNCTION inventory_modelversion_frozen_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.stage = ANY({FROZEN}) THEN
            RAISE EXCEPTION 'model version % has reached production and is never deleted',
                OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.stage = ANY({FROZEN}) THEN
        IF (to_jsonb(NEW) - 'stage' - 'updated_at')
                IS DISTINCT FROM (to_jsonb(OLD) - 'stage' - 'updated_at') THEN
            RAISE EXCEPTION 'model version % has reached production and is frozen: only its '
                'stage may move on (register a new version instead)', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.stage IS DISTINCT FROM OLD.stage AND (
                array_position({FROZEN}, NEW.stage) IS NULL
                OR array_position({FROZEN}, NEW.stage)
                   < array_position({FROZEN}, OLD.stage)) THEN
            RAISE EXCEPTION 'model version % cannot move from % to %: a version that reached '
                'production only moves forward', OLD.id, OLD.stage, NEW.stage
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# Back to 0010's step-by-step version of the function.
STEP_BY_STEP = GUARD.replace(
    f"""array_position({FROZEN}, NEW.stage) IS NULL
                OR array_position({FROZEN}, NEW.stage)
                   < array_position({FROZEN}, OLD.stage)) THEN""",
    """NOT ((OLD.stage = 'production' AND NEW.stage = 'deprecated')
                OR (OLD.stage = 'deprecated' AND NEW.stage = 'archived')
                OR (OLD.stage = 'archived' AND NEW.stage = 'retired'))) THEN""")


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0010_frozen_version_trigger")]

    operations = [
        migrations.RunPython(_on_postgresql(GUARD), _on_postgresql(STEP_BY_STEP),
                             elidable=False),
    ]
