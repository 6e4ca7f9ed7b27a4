"""pytest: one customers-api test server per session, reset before each test.

The server is started as `npx --no customers-api serve --memory --test-mode --fixtures …`
(set CUSTOMERS_API to another command, e.g. `node path/to/bin/customers-api.js`), on a
free port: its first line on stdout says where it listens and the test key.
"""

import json
import os
import selectors
import shlex
import signal
import subprocess
import tempfile
import threading

import httpx
import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures.json")
COMMAND = shlex.split(os.environ.get("CUSTOMERS_API", "npx --no customers-api"))
START_TIMEOUT_S = 60


@pytest.fixture(scope="session")
def customers_api():
    with open(FIXTURES) as f:
        fixtures = json.load(f)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_READ_URL", "WORKERS")}
    env.update(PORT="0", LOG_LEVEL="warn")
    stderr = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [*COMMAND, "serve", "--memory", "--test-mode", "--fixtures", FIXTURES],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        start_new_session=True,  # its own process group: stopped with everything it started
    )
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=START_TIMEOUT_S):
            raise RuntimeError(f"customers-api did not start within {START_TIMEOUT_S} s")
        line = proc.stdout.readline()
        if not line:
            stderr.seek(0)
            raise RuntimeError(f"customers-api exited ({proc.wait()}): {stderr.read().decode()}")
        first = json.loads(line)
        # The log lines that follow are read and dropped, so the pipe never fills.
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        business = fixtures["businesses"][0]
        token = business["members"][0]["tokens"][0]
        with httpx.Client(
            base_url=first["listening"],
            headers={"authorization": f"Bearer {token}", "x-business-id": business["id"]},
            timeout=10,
        ) as client:
            yield {"base_url": first["listening"], "test_key": first["test_key"], "client": client}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        stderr.close()


@pytest.fixture(autouse=True)
def reset(customers_api):
    """Every test starts from the fixtures."""
    r = httpx.post(f"{customers_api['base_url']}/_test/reset", headers={"x-test-key": customers_api["test_key"]})
    r.raise_for_status()


@pytest.fixture
def api(customers_api):
    """An httpx client acting as the fixtures' first owner in their first business."""
    return customers_api["client"]
