"""On PostgreSQL, the database itself refuses changes to a version that reached production
(the versions subdomain's freeze rule): raw SQL, another client or a bug in a bulk path cannot alter evidence.

- `inventory_modelversion`: on UPDATE of a frozen row (stage production, deprecated,
  archived or retired) every column except `stage` and `updated_at` must stay as it is,
  and the stage may only move forward (production → deprecated → archived → retired, as
  `inventory.services.lifecycle.TRANSITIONS` says); DELETE of a frozen row is refused.
  The row is compared as JSON minus the two allowed columns, so a column added later is
  frozen too without touching this trigger.
- `inventory_modelversiondataset`: INSERT, UPDATE and DELETE of a link whose version
  (old or new) is frozen are refused.

The errors use SQLSTATE 23514 (check_violation), which Django raises as IntegrityError.
On SQLite nothing is installed: the ORM guards (save, queryset update/bulk_update/delete,
the m2m receiver) are the protection there.
"""

from django.db import migrations

FROZEN = "ARRAY['production','deprecated','archived','retired']"

INSTALL = f"""
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
        IF NEW.stage IS DISTINCT FROM OLD.stage AND NOT (
                (OLD.stage = 'production' AND NEW.stage = 'deprecated')
                OR (OLD.stage = 'deprecated' AND NEW.stage = 'archived')
                OR (OLD.stage = 'archived' AND NEW.stage = 'retired')) THEN
            RAISE EXCEPTION 'model version % cannot move from % to %: a version that reached '
                'production only moves forward', OLD.id, OLD.stage, NEW.stage
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS inventory_modelversion_frozen ON inventory_modelversion;
CREATE TRIGGER inventory_modelversion_frozen
    BEFORE UPDATE OR DELETE ON inventory_modelversion
    FOR EACH ROW EXECUTE FUNCTION inventory_modelversion_frozen_guard();

CREATE OR REPLACE FUNCTION inventory_modelversiondataset_frozen_guard() RETURNS trigger AS $$
DECLARE
    frozen_version bigint;
BEGIN
    SELECT id INTO frozen_version FROM inventory_modelversion
     WHERE stage = ANY({FROZEN})
       AND id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.model_version_id END,
                  CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.model_version_id END)
     LIMIT 1;
    IF frozen_version IS NOT NULL THEN
        RAISE EXCEPTION 'model version % has reached production and is frozen: its dataset '
            'links cannot change', frozen_version USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS inventory_modelversiondataset_frozen ON inventory_modelversiondataset;
CREATE TRIGGER inventory_modelversiondataset_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON inventory_modelversiondataset
    FOR EACH ROW EXECUTE FUNCTION inventory_modelversiondataset_frozen_guard();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS inventory_modelversiondataset_frozen ON inventory_modelversiondataset;
DROP FUNCTION IF EXISTS inventory_modelversiondataset_frozen_guard();
DROP TRIGGER IF EXISTS inventory_modelversion_frozen ON inventory_modelversion;
DROP FUNCTION IF EXISTS inventory_modelversion_frozen_guard();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0009_versions_branches_aliases_dataset_links")]

    operations = [
        migrations.RunPython(_on_postgresql(INSTALL), _on_postgresql(UNINSTALL),
                             elidable=False),
    ]
