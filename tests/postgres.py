"""`python -m tests.postgres` prints the URL of a fresh test database on the local PostgreSQL
server (creating it if needed), or nothing when no server answers. Used by `make test`."""
import os
import sys

BASE = os.environ.get("TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")
NAME = os.environ.get("TEST_POSTGRES_DB", "registry_test")


def main() -> int:
    try:
        import psycopg
    except ImportError:
        return 0
    try:
        with psycopg.connect(f"{BASE}/postgres", connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (NAME,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{NAME}"')
    except psycopg.Error as exc:
        print(f"(PostgreSQL unavailable: {exc.__class__.__name__})", file=sys.stderr)
        return 0
    print(f"{BASE}/{NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
