"""Keep what people look up out of the server's access log.

The check and the pages carry the values people look up (an account number, a phone number) and
follow-up tokens in the query string; an access log line would keep them, beside the visitor's
address, wherever logs go. The filter drops the query string from uvicorn's access lines.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn logs (client address, method, path with query, HTTP version, status).
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            if isinstance(path, str) and "?" in path:
                record.args = (client, method, path.split("?", 1)[0] + "?…", version, status)
        return True


def install() -> None:
    """Add the filter once per process, however many apps it creates."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, DropQueryStrings) for existing in logger.filters):
        logger.addFilter(DropQueryStrings())
