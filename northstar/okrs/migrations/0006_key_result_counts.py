"""Each objective's number of key results, kept by the database (okrs_objective.key_result_count).

The OKR page says how many key results the objectives it pages through hold: counting them afresh joins every key
result of the workspace (10 ms at enterprise scale, after every change to the OKRs), where summing a column of
the objectives it reads anyway costs nothing. Triggers keep the column, so every way a key result is made, removed
or moved counts — the ORM, bulk inserts, cascades, imports, restores, SQL by hand — and a transaction that rolls
back takes its counts with it. The model does not declare the column (Django would write the count it read back
over a newer one): `okrs.queries` reads it by name. Django remakes a table on SQLite to alter it: a later migration
that remakes okrs_objective or okrs_keyresult must run ``install`` again (tests check the triggers are there).
"""

from django.db import migrations

COLUMN = "key_result_count"
RECOUNT = """
UPDATE okrs_objective SET key_result_count = (
    SELECT count(*) FROM okrs_keyresult WHERE okrs_keyresult.objective_id = okrs_objective.id
)
"""

POSTGRESQL = [
    """CREATE FUNCTION okrs_key_results_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE okrs_objective o SET key_result_count = o.key_result_count + added.n
    FROM (SELECT objective_id, count(*) AS n FROM added_rows GROUP BY objective_id) added
    WHERE o.id = added.objective_id;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION okrs_key_results_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE okrs_objective o SET key_result_count = o.key_result_count - removed.n
    FROM (SELECT objective_id, count(*) AS n FROM removed_rows GROUP BY objective_id) removed
    WHERE o.id = removed.objective_id;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION okrs_key_result_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE okrs_objective SET key_result_count = key_result_count - 1 WHERE id = OLD.objective_id;
    UPDATE okrs_objective SET key_result_count = key_result_count + 1 WHERE id = NEW.objective_id;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER okrs_key_results_added AFTER INSERT ON okrs_keyresult
    REFERENCING NEW TABLE AS added_rows FOR EACH STATEMENT EXECUTE FUNCTION okrs_key_results_added()""",
    """CREATE TRIGGER okrs_key_results_removed AFTER DELETE ON okrs_keyresult
    REFERENCING OLD TABLE AS removed_rows FOR EACH STATEMENT EXECUTE FUNCTION okrs_key_results_removed()""",
    """CREATE TRIGGER okrs_key_result_moved AFTER UPDATE OF objective_id ON okrs_keyresult
    FOR EACH ROW WHEN (OLD.objective_id IS DISTINCT FROM NEW.objective_id)
    EXECUTE FUNCTION okrs_key_result_moved()""",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER okrs_key_results_added ON okrs_keyresult",
    "DROP TRIGGER okrs_key_results_removed ON okrs_keyresult",
    "DROP TRIGGER okrs_key_result_moved ON okrs_keyresult",
    "DROP FUNCTION okrs_key_results_added()",
    "DROP FUNCTION okrs_key_results_removed()",
    "DROP FUNCTION okrs_key_result_moved()",
]

# SQLite has row triggers alone
SQLITE = [
    """CREATE TRIGGER okrs_key_results_added AFTER INSERT ON okrs_keyresult BEGIN
        UPDATE okrs_objective SET key_result_count = key_result_count + 1 WHERE id = NEW.objective_id;
    END""",
    """CREATE TRIGGER okrs_key_results_removed AFTER DELETE ON okrs_keyresult BEGIN
        UPDATE okrs_objective SET key_result_count = key_result_count - 1 WHERE id = OLD.objective_id;
    END""",
    """CREATE TRIGGER okrs_key_result_moved AFTER UPDATE OF objective_id ON okrs_keyresult
    WHEN OLD.objective_id IS NOT NEW.objective_id BEGIN
        UPDATE okrs_objective SET key_result_count = key_result_count - 1 WHERE id = OLD.objective_id;
        UPDATE okrs_objective SET key_result_count = key_result_count + 1 WHERE id = NEW.objective_id;
    END""",
]
TRIGGERS = ("okrs_key_results_added", "okrs_key_results_removed", "okrs_key_result_moved")


def install(schema_editor):
    """The triggers, and every objective's count as it is now."""
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"northstar runs on PostgreSQL and SQLite, not {vendor}")
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)
    schema_editor.execute(RECOUNT)


def add(apps, schema_editor):
    schema_editor.execute(f"ALTER TABLE okrs_objective ADD COLUMN {COLUMN} integer NOT NULL DEFAULT 0")
    install(schema_editor)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_UNDO:
            schema_editor.execute(statement)
    else:
        for trigger in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER {trigger}")
    schema_editor.execute(f"ALTER TABLE okrs_objective DROP COLUMN {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("okrs", "0005_position_indexes")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
