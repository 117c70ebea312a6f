"""Counts, search and versions that do not grow with the data

`applications.in_catalogue` says whether a record is in the public catalogue (approved; a
project or startup once its support decision is recorded), kept by triggers on applications and
support decisions, whatever writes them, with indexes that list the catalogue newest first by
kind, field, commune and organisation.
`application_tallies` counts the applications per status, listing, kind, field, place and year
of approval, kept by triggers in the transaction that changes an application. The folded search
text is indexed: SQLite FTS5 with the trigram tokenizer (kept by triggers), PostgreSQL pg_trgm.
`data_versions` changes with every committed change; `generated_files` holds the downloads
built once per data version.

A later migration that makes SQLite rebuild `applications` (batch mode "move and copy") drops
these triggers with the old table: it must create them again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

DIMENSIONS = ("status", "in_catalogue", "kind", "field", "commune_id", "district_id",
              "former_province", "approval_year")
CATALOGUE_INDEXES = {
    "ix_applications_catalogue": ["in_catalogue", "approved_on", "id"],
    "ix_applications_catalogue_kind": ["in_catalogue", "kind", "approved_on", "id"],
    "ix_applications_catalogue_field": ["in_catalogue", "field", "approved_on", "id"],
    "ix_applications_catalogue_commune": ["in_catalogue", "commune_id", "approved_on", "id"],
    "ix_applications_catalogue_organization": ["in_catalogue", "organization_id", "approved_on", "id"],
    # The department's queue, one tab at a time, by date of submission or by title.
    "ix_applications_status_submitted_at": ["status", "submitted_at", "id"],
    "ix_applications_status_title": ["status", "title", "id"],
}


def _year(prefix: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"COALESCE(CAST(EXTRACT(YEAR FROM {prefix}approved_on) AS INTEGER), 0)"
    return f"COALESCE(CAST(substr({prefix}approved_on, 1, 4) AS INTEGER), 0)"


def _key(prefix: str, dialect: str) -> list[str]:
    """The tally key of one application row (`prefix` is NEW., OLD. or empty)."""
    return [
        f"{prefix}status", f"{prefix}in_catalogue", f"{prefix}kind", f"COALESCE({prefix}field, '')",
        f"COALESCE({prefix}commune_id, 0)", f"COALESCE({prefix}district_id, 0)",
        f"COALESCE({prefix}former_province, '')", _year(prefix, dialect),
    ]


def _values(prefix: str, dialect: str) -> str:
    return ", ".join(_key(prefix, dialect))


def _count(prefix: str, dialect: str, delta: int) -> str:
    """Add `delta` to the tally of one row's key. An upsert both ways, so that the triggers'
    changes add up whatever order they fire in (SQLite does not say)."""
    return (f"INSERT INTO application_tallies ({', '.join(DIMENSIONS)}, records) "
            f"VALUES ({_values(prefix, dialect)}, {delta}) "
            f"ON CONFLICT ({', '.join(DIMENSIONS)}) "
            f"DO UPDATE SET records = application_tallies.records + ({delta})")


def _changed() -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}"
                       for column in (*DIMENSIONS[:-1], "approved_on"))


def _listed(row: str) -> str:
    """Whether the application `row` is in the catalogue: approved, and a project or startup
    only once its support decision is recorded (`Application.is_public`)."""
    return (f"({row}.status = 'approved' AND ({row}.kind NOT IN ('project', 'startup') OR EXISTS"
            f" (SELECT 1 FROM support_decisions WHERE support_decisions.application_id = {row}.id)))")


def _relist(application_id: str) -> str:
    return (f"UPDATE applications SET in_catalogue = {_listed('applications')}"
            f" WHERE id = {application_id} AND in_catalogue IS DISTINCT FROM {_listed('applications')}")


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_catalogue', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(
        "UPDATE applications SET in_catalogue = (status = 'approved' AND (kind NOT IN ('project', 'startup')"
        " OR EXISTS (SELECT 1 FROM support_decisions WHERE support_decisions.application_id = applications.id)))")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        for name, columns in CATALOGUE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)

    op.create_table('application_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('in_catalogue', sa.Boolean(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('former_province', sa.String(length=20), nullable=False),
    sa.Column('approval_year', sa.Integer(), nullable=False),
    sa.Column('records', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_tallies')),
    sa.UniqueConstraint(*DIMENSIONS, name=op.f('uq_application_tallies_dimensions'))
    )
    op.execute(f"INSERT INTO application_tallies ({', '.join(DIMENSIONS)}, records) "
               f"SELECT {_values('', dialect)}, COUNT(*) FROM applications "
               f"GROUP BY {_values('', dialect)}")
    if dialect == "postgresql":
        op.execute(f"""
            CREATE FUNCTION applications_listing() RETURNS trigger AS $$
            BEGIN
              NEW.in_catalogue := {_listed('NEW')};
              RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER applications_listing BEFORE INSERT OR UPDATE ON applications"
                   " FOR EACH ROW EXECUTE FUNCTION applications_listing()")
        op.execute(f"""
            CREATE FUNCTION support_decisions_listing() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN {_relist('OLD.application_id')}; ELSE {_relist('NEW.application_id')}; END IF;
              RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER support_decisions_listing AFTER INSERT OR DELETE ON support_decisions"
                   " FOR EACH ROW EXECUTE FUNCTION support_decisions_listing()")
        op.execute(f"""
            CREATE FUNCTION application_tallies_follow() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') THEN {_count('OLD.', dialect, -1)}; END IF;
              IF TG_OP IN ('UPDATE', 'INSERT') THEN {_count('NEW.', dialect, 1)}; END IF;
              RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER applications_tallies_insert_delete AFTER INSERT OR DELETE ON applications"
                   " FOR EACH ROW EXECUTE FUNCTION application_tallies_follow()")
        op.execute(f"CREATE TRIGGER applications_tallies_update AFTER UPDATE ON applications"
                   f" FOR EACH ROW WHEN ({_changed()}) EXECUTE FUNCTION application_tallies_follow()")
        # LIKE '%term%' on the folded text through a trigram index: the same results as before.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_applications_search_text_trgm ON applications"
                   " USING gin (search_text gin_trgm_ops)")
    else:
        # SQLite cannot change NEW: the row is listed by an UPDATE after it is written (which
        # the tallies' update trigger then counts).
        relist = _relist("{id}").replace("IS DISTINCT FROM", "IS NOT")
        op.execute(f"CREATE TRIGGER applications_listing_insert AFTER INSERT ON applications"
                   f" BEGIN {relist.format(id='NEW.id')}; END")
        op.execute(f"CREATE TRIGGER applications_listing_update AFTER UPDATE OF status, kind ON applications"
                   f" BEGIN {relist.format(id='NEW.id')}; END")
        op.execute(f"CREATE TRIGGER support_decisions_listing_insert AFTER INSERT ON support_decisions"
                   f" BEGIN {relist.format(id='NEW.application_id')}; END")
        op.execute(f"CREATE TRIGGER support_decisions_listing_delete AFTER DELETE ON support_decisions"
                   f" BEGIN {relist.format(id='OLD.application_id')}; END")
        op.execute(f"CREATE TRIGGER applications_tallies_insert AFTER INSERT ON applications"
                   f" BEGIN {_count('NEW.', dialect, 1)}; END")
        op.execute(f"CREATE TRIGGER applications_tallies_delete AFTER DELETE ON applications"
                   f" BEGIN {_count('OLD.', dialect, -1)}; END")
        op.execute(f"CREATE TRIGGER applications_tallies_update AFTER UPDATE ON applications"
                   f" WHEN {_changed().replace('IS DISTINCT FROM', 'IS NOT')}"
                   f" BEGIN {_count('OLD.', dialect, -1)}; {_count('NEW.', dialect, 1)}; END")
        # The trigram tokenizer finds any substring of three characters or more, as LIKE does.
        op.execute("CREATE VIRTUAL TABLE application_search USING fts5(search_text,"
                   " content='applications', content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO application_search(application_search) VALUES ('rebuild')")
        op.execute("CREATE TRIGGER application_search_insert AFTER INSERT ON applications BEGIN"
                   " INSERT INTO application_search(rowid, search_text) VALUES (NEW.id, NEW.search_text); END")
        op.execute("CREATE TRIGGER application_search_delete AFTER DELETE ON applications BEGIN"
                   " INSERT INTO application_search(application_search, rowid, search_text)"
                   " VALUES ('delete', OLD.id, OLD.search_text); END")
        op.execute("CREATE TRIGGER application_search_update AFTER UPDATE OF search_text ON applications BEGIN"
                   " INSERT INTO application_search(application_search, rowid, search_text)"
                   " VALUES ('delete', OLD.id, OLD.search_text);"
                   " INSERT INTO application_search(rowid, search_text) VALUES (NEW.id, NEW.search_text); END")

    op.create_table('data_versions',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('number', sa.BigInteger(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions'))
    )
    op.create_table('generated_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('data_changed_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_generated_files')),
    sa.UniqueConstraint('name', 'token', name=op.f('uq_generated_files_name_token'))
    )


def downgrade():
    bind = op.get_bind()
    op.drop_table('generated_files')
    op.drop_table('data_versions')
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX ix_applications_search_text_trgm")
        op.execute("DROP TRIGGER applications_tallies_update ON applications")
        op.execute("DROP TRIGGER applications_tallies_insert_delete ON applications")
        op.execute("DROP FUNCTION application_tallies_follow()")
        op.execute("DROP TRIGGER support_decisions_listing ON support_decisions")
        op.execute("DROP FUNCTION support_decisions_listing()")
        op.execute("DROP TRIGGER applications_listing ON applications")
        op.execute("DROP FUNCTION applications_listing()")
    else:
        for trigger in ("application_search_update", "application_search_delete",
                        "application_search_insert", "applications_tallies_update",
                        "applications_tallies_delete", "applications_tallies_insert",
                        "support_decisions_listing_delete", "support_decisions_listing_insert",
                        "applications_listing_update", "applications_listing_insert"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE application_search")
    op.drop_table('application_tallies')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        for name in CATALOGUE_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column('in_catalogue')
