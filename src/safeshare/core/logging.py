"""Logs carry events and opaque ids, never personal data.

Django attaches the request to `django.request` and `django.security` records (handlers
such as AdminEmailHandler print its body and query string); a request body holds whatever
a practitioner typed, so it is dropped before any handler sees it.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?\S*")


class DropRequestData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        # Paths carry only opaque ids; a query string could carry anything.
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_QUERY.sub("?…", a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("?…", record.msg)
        return True
