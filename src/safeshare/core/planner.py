"""Hints for SQLite's query planner, where it would choose the wrong index.

SQLite plans without statistics unless ANALYZE has run, and then prefers an equality on
any indexed column: a page that reads a few rows by a selective key (a person's links, a
decision's disclosures) can instead walk every row of the organisation. `not_indexed`
keeps the filter and tells SQLite not to use an index for that column (`+column`, its
documented hint). PostgreSQL plans from its statistics and gets the column as it is.
Measured at 1,000,000 decisions: a decision page's disclosures 78 ms by the
organisation's index, under 1 ms by the decision's (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, UUIDField


class NotIndexed(Func):
    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def not_indexed(column: str) -> NotIndexed:
    """A UUID column for `.annotate(x=not_indexed("organisation_id")).filter(x=...)`."""
    return NotIndexed(F(column), output_field=UUIDField())
