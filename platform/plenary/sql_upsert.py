"""INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike.

Concurrent inserts of the same key are the normal case here (a double-clicked form, two
workers, a re-run import): the unique constraint decides, nobody gets an IntegrityError,
and no transaction is poisoned by one.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession


def insert_or_ignore(
    db: OrmSession, model: type, values: dict, conflict: list[str], key: str = "id"
) -> bool:
    """Inserts one row unless `conflict` columns already hold these values; True if inserted.

    `key` names a column to return (the primary key, for tables whose key is not `id`)."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(getattr(model, key))
    )
    # RETURNING, not rowcount: the ORM's insert path reports rowcount -1 on PostgreSQL.
    return db.execute(statement).scalar() is not None
