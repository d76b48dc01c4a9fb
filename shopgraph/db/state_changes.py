"""Which transactions change what a request's project state is read from: `projects`, `api_keys`, `project_domains`.

A session that writes one of these tables, through the ORM, a Core statement or SQL text, announces
`STATE_CHANNEL` in this process as it commits, so a reader holding project states forgets them before the writer
answers. Other processes hear of it through PostgreSQL: a trigger on each table (migration 0015) sends
`NOTIFY shopgraph_state` in the writing transaction, whoever wrote.
"""

from __future__ import annotations

import re
from itertools import chain

from sqlalchemy import TextClause, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from shopgraph.db import notify

STATE_CHANNEL = "shopgraph_state"
STATE_TABLES = frozenset({"projects", "api_keys", "project_domains"})
_TABLE_NAMES = "|".join(sorted(STATE_TABLES))
_WRITES_STATE_TABLE = re.compile(
    rf"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?(?:{_TABLE_NAMES})\b", re.IGNORECASE
)


def writes_state_table(sql: str) -> bool:
    return _WRITES_STATE_TABLE.search(sql) is not None


@event.listens_for(Session, "do_orm_execute")
def _executed(execution: ORMExecuteState) -> None:
    statement = execution.statement
    if execution.is_insert or execution.is_update or execution.is_delete:
        table = getattr(statement, "table", None)
        changes_state = getattr(table, "name", None) in STATE_TABLES
    else:
        changes_state = isinstance(statement, TextClause) and writes_state_table(statement.text)
    if changes_state:
        notify.announce_here(execution.session, STATE_CHANNEL)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    for instance in chain(session.new, session.dirty, session.deleted):
        table = getattr(instance, "__table__", None)
        if getattr(table, "name", None) in STATE_TABLES:
            notify.announce_here(session, STATE_CHANNEL)
            return
