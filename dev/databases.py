"""Creates the development databases from one migrated template, so NetBox's slow migrations run once per machine.

    python dev/databases.py test   # test_netbox_attachments, for pytest-django --reuse-db
    python dev/databases.py demo   # netbox_attachments_demo, migrated including the plugin

The template holds NetBox's own schema without the plugin. A copy records (as a database comment) which NetBox
version and which plugin migrations it was made for; when either changes, the copy is dropped and made again in
seconds, so a reused database never lags behind the code.
"""

import hashlib
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = os.environ.get('NETBOX_TEMPLATE_DB_NAME', 'netbox_attachments_template')
NAMES = {
    'test': os.environ.get('NETBOX_TEST_DB_NAME', 'test_netbox_attachments'),
    'demo': os.environ.get('NETBOX_DB_NAME', 'netbox_attachments_demo'),
}
TEMPLATE_STAMP = f'netbox {version("netbox")}'


def plugin_stamp():
    digest = hashlib.sha256()
    for path in sorted((REPO / 'netbox_attachments' / 'migrations').glob('*.py')):
        digest.update(path.name.encode() + path.read_bytes())
    return f'{TEMPLATE_STAMP}; plugin migrations {digest.hexdigest()[:16]}'


def connect(dbname='postgres'):
    return psycopg.connect(
        host=os.environ.get('NETBOX_DB_HOST', '127.0.0.1'),
        port=os.environ.get('NETBOX_DB_PORT', '5432'),
        user=os.environ.get('NETBOX_DB_USER', 'postgres'),
        password=os.environ.get('NETBOX_DB_PASSWORD', ''),
        dbname=dbname,
        autocommit=True,
    )


def comment_of(conn, name):
    row = conn.execute(
        'SELECT shobj_description(oid, %s) FROM pg_database WHERE datname = %s', ('pg_database', name)
    ).fetchone()
    return None if row is None else (row[0] or '')


def set_comment(conn, name, text):
    conn.execute(psycopg.sql.SQL('COMMENT ON DATABASE {} IS {}').format(psycopg.sql.Identifier(name), text))


def drop(conn, name):
    conn.execute(psycopg.sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(psycopg.sql.Identifier(name)))


def netbox(*args, **env):
    subprocess.run(
        [str(Path(sys.executable).parent / 'netbox'), *args],
        check=True,
        cwd=REPO,
        env={**os.environ, 'NETBOX_CONFIGURATION': 'dev.netbox_configuration', 'PYTHONPATH': str(REPO), **env},
    )


def copy(conn, name, source):
    """Make `name` anew as a copy of the database `source` (seconds: PostgreSQL copies its files)."""
    drop(conn, name)
    conn.execute(
        psycopg.sql.SQL('CREATE DATABASE {} TEMPLATE {}').format(
            psycopg.sql.Identifier(name), psycopg.sql.Identifier(source)
        )
    )


def ensure_template(conn):
    if comment_of(conn, TEMPLATE) == TEMPLATE_STAMP:
        return
    print(f'==> Building the migrated template database {TEMPLATE} (NetBox migrations: 5-8 minutes, once)', flush=True)
    drop(conn, TEMPLATE)
    conn.execute(psycopg.sql.SQL('CREATE DATABASE {}').format(psycopg.sql.Identifier(TEMPLATE)))
    netbox('migrate', '--no-input', '-v0', NETBOX_DB_NAME=TEMPLATE, NETBOX_WITHOUT_PLUGIN='1')
    # The stamp is written last: an interrupted build is detected and redone.
    set_comment(conn, TEMPLATE, TEMPLATE_STAMP)


def ensure_copy(conn, name):
    stamp = plugin_stamp()
    if comment_of(conn, name) == stamp:
        return False
    print(f'==> Creating database {name} from {TEMPLATE}', flush=True)
    copy(conn, name, TEMPLATE)
    set_comment(conn, name, stamp)
    return True


def main(purpose):
    with connect() as conn:
        ensure_template(conn)
        name = NAMES[purpose]
        ensure_copy(conn, name)
    if purpose == 'demo':
        # Applies the plugin's own migrations (seconds); a no-op when nothing changed.
        netbox('migrate', '--no-input', '-v0', NETBOX_DB_NAME=name)


if __name__ == '__main__':
    if len(sys.argv) != 2 or sys.argv[1] not in NAMES:
        sys.exit(f'usage: {sys.argv[0]} {{{"|".join(NAMES)}}}')
    main(sys.argv[1])
