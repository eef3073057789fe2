"""Where a page may send its reader next: always a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request


def local_path(candidate: str | None) -> str:
    """Only a path on this site may be a redirect target ("//evil.example" is another site)."""
    if candidate and candidate.startswith("/") and not candidate.startswith(("//", "/\\")):
        return candidate
    return "/"


def return_path(request: Request) -> str:
    """Where to send the reader back to: this page, or for a form's answer the page with the form.

    The answer to a POST has no address of its own that a GET could load again.
    """
    if request.method in {"GET", "HEAD"}:
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc:
        return local_path(referer.path + (f"?{referer.query}" if referer.query else ""))
    return "/"
