"""A throwaway PostgreSQL cluster on a free loopback port, for the test suite and the benchmarks."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class PostgresNotInstalled(RuntimeError):
    pass


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield the server's URL (without a database name); stop and delete the cluster afterwards.

    initdb refuses to run as root, so as root the cluster belongs to the postgres user.
    """
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresNotInstalled("PostgreSQL is not installed: `make test` installs it (apt-get install postgresql)")
    bindir = Path(found[-1]).parent
    data = Path(tempfile.mkdtemp(prefix="primarycare-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(data, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, capture_output=True)

    run(str(bindir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres", "--locale=C", "-E", "UTF8")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-o", options, "-l", str(data / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)
