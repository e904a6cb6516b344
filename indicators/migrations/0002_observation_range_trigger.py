"""Enforce "the value lies within its indicator's min/max" in the database.

The rule spans two tables, so a CHECK constraint cannot express it. PostgreSQL
checks each statement once through a transition table (cheap for bulk loads);
SQLite checks each row.
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE FUNCTION indicators_observation_check_range() RETURNS trigger AS $$
DECLARE bad record;
BEGIN
    SELECT n.value, n.date, i.slug INTO bad
    FROM new_rows n JOIN indicators_indicator i ON i.id = n.indicator_id
    WHERE (i.min_value IS NOT NULL AND n.value < i.min_value)
       OR (i.max_value IS NOT NULL AND n.value > i.max_value)
       OR (i.scale = 'log' AND n.value <= 0)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'value % on % is outside the range of indicator %',
            bad.value, bad.date, bad.slug
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'observation_value_in_indicator_range';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER observation_range_on_insert AFTER INSERT ON indicators_observation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION indicators_observation_check_range();
CREATE TRIGGER observation_range_on_update AFTER UPDATE ON indicators_observation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION indicators_observation_check_range();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS observation_range_on_insert ON indicators_observation;
DROP TRIGGER IF EXISTS observation_range_on_update ON indicators_observation;
DROP FUNCTION IF EXISTS indicators_observation_check_range();
"""

SQLITE_OUT_OF_RANGE = """
EXISTS (SELECT 1 FROM indicators_indicator i WHERE i.id = NEW.indicator_id AND (
    (i.min_value IS NOT NULL AND NEW.value < i.min_value)
    OR (i.max_value IS NOT NULL AND NEW.value > i.max_value)
    OR (i.scale = 'log' AND NEW.value <= 0)))
"""
SQLITE_CREATE = [
    f"""CREATE TRIGGER observation_range_on_{event.split()[0].lower()}
    BEFORE {event} ON indicators_observation WHEN {SQLITE_OUT_OF_RANGE}
    BEGIN SELECT RAISE(ABORT,
        'CHECK constraint failed: observation_value_in_indicator_range'); END;"""
    for event in ("INSERT", "UPDATE OF value, indicator_id")
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS observation_range_on_insert;",
    "DROP TRIGGER IF EXISTS observation_range_on_update;",
]


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
