"""A real HTTP server around an app, for a real browser to talk to.

FastAPI's TestClient never opens a socket, so a browser cannot reach it; here uvicorn serves the
app from a background thread of the test process instead. The test and the server then share one
process, so factories and services can prepare data right before the browser looks at it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

HOST = "127.0.0.1"
# Only a broken app takes this long to start; the wait ends as soon as uvicorn reports it serves.
STARTUP_LIMIT_SECONDS = 15.0
SHUTDOWN_LIMIT_SECONDS = 15.0


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 for the duration of the block; yields its base URL.

    Port 0 lets the kernel choose a free port while uvicorn binds it, so two xdist workers can
    never race for the same number.
    """
    config = uvicorn.Config(
        app,
        host=HOST,
        port=0,
        lifespan="on",
        ws="none",
        access_log=False,
        log_config=None,  # leave the test run's logging (and pytest's capture) as it is
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the live server stopped while starting; see the log above")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the live server did not start in {STARTUP_LIMIT_SECONDS} s")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_LIMIT_SECONDS)
        if thread.is_alive():
            # A request that never ends would otherwise hang the whole test run.
            server.force_exit = True
            thread.join(SHUTDOWN_LIMIT_SECONDS)
