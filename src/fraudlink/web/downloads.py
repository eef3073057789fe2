"""A file to download (CSV, GraphML, PDF): the one way a page or the API hands out a file."""

from __future__ import annotations

from fastapi.responses import Response

CSV = "text/csv; charset=utf-8"


def attachment(content: str | bytes, *, filename: str, media_type: str = CSV) -> Response:
    """``content`` saved by the browser as ``filename`` rather than shown."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
