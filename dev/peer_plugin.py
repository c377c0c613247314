"""A database written by the other plugin, `netbox-attachments` 12.0.0 from PyPI, through its own code (issue 13).

Both plugins are the Python package `netbox_attachments`, so theirs runs in a virtualenv of its own (cached outside
the repository) with the NetBox version of ours. Their `netbox migrate` makes the schema, and dev/peer_writer.py,
run by that virtualenv's Python, writes the records and files a user of theirs would have; it answers with a
manifest of everything it wrote, for tests of the switch to compare against.

    python dev/peer_plugin.py venv                           # build the cached virtualenv, print its path
    python dev/peer_plugin.py db nba_peer_demo /tmp/media [0013|0011|0007]   # print the manifest
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

try:
    from dev.live_server import RESERVED, databases_module
except ModuleNotFoundError:  # run as a script: dev/ itself is on sys.path
    from live_server import RESERVED, databases_module

REPO = Path(__file__).resolve().parent.parent
PEER_VERSION = '12.0.0'
STATES = ('0013', '0011', '0007')
# Their 0001..0013, in order, as their 12.0.0 records them in django_migrations.
PEER_MIGRATIONS = [
    '0001_initial',
    '0002_alter_netboxattachment_options_and_more',
    '0003_alter_netboxattachment_name',
    '0004_netboxattachment_size_and_more',
    '0005_netboxattachment_description',
    '0006_rename_content_type_netboxattachment_object_type',
    '0007_alter_netboxattachment_object_type',
    '0008_create_netboxattachmentassignment',
    '0009_data_migrate_assignments',
    '0010_remove_attachment_fk_fields',
    '0011_netboxattachmentassignment_index',
    '0012_netboxattachment_owner',
    '0013_alter_netboxattachmentassignment_custom_field_data',
]
# Redis databases of the peer's NetBox (its cache; no job is queued): apart from the demo's, the tests' and the
# live servers'.
REDIS_DBS = (14, 15)
INDEX_URL = os.environ.get('NETBOX_ATTACHMENTS_PEER_INDEX_URL', 'https://pypi.org/simple')


def netbox_version():
    return version('netbox')


def peer_venv():
    """The path of a virtualenv with our NetBox version and their plugin, built once and cached.

    It is built in a temporary folder and renamed into place when complete, so an interrupted build leaves nothing
    that looks finished. Renaming breaks the absolute paths in its console scripts: call `<venv>/bin/python -m
    netbox` or `-m pip`, never `<venv>/bin/netbox`.
    """
    default = Path.home() / '.cache' / 'netbox_attachments' / f'peer-venv-{netbox_version()}-{PEER_VERSION}'
    path = Path(os.environ.get('NETBOX_ATTACHMENTS_PEER_VENV', default)).expanduser()
    if (path / 'bin' / 'python').exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + '.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it: wait for it, then use its result
        if (path / 'bin' / 'python').exists():
            return path
        for stale in path.parent.glob(path.name + '.tmp-*'):  # left by an interrupted build
            shutil.rmtree(stale, ignore_errors=True)
        tmp = path.with_name(f'{path.name}.tmp-{os.getpid()}')
        try:
            build_venv(tmp)
            tmp.rename(path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def build_venv(target):
    # The interpreter our venv is made from: their 12.0.0 wants Python 3.12-3.14, like NetBox 4.7.
    base = getattr(sys, '_base_executable', sys.executable)
    subprocess.run([base, '-m', 'venv', str(target)], check=True)
    # PyPI only: the machine's pip configuration (local indexes, find-links, constraints) must not pick what we test.
    env = {key: value for key, value in os.environ.items() if not key.startswith('PIP_')}
    env |= {'PIP_CONFIG_FILE': os.devnull, 'PIP_DISABLE_PIP_VERSION_CHECK': '1', 'PIP_DEFAULT_TIMEOUT': '180'}
    if 'PIP_CERT' in os.environ:  # a proxy's certificate authority, if the machine needs one
        env['PIP_CERT'] = os.environ['PIP_CERT']
    subprocess.run(
        [
            str(target / 'bin' / 'python'),
            '-m',
            'pip',
            'install',
            '--quiet',
            '--index-url',
            INDEX_URL,
            f'netbox=={netbox_version()}',
            f'netbox-attachments=={PEER_VERSION}',
        ],
        check=True,
        env=env,
        cwd=target,
    )


def peer_env(db_name, media_root, config_dir):
    """The environment of a peer process: our dev configuration, but neither our repository nor our venv on the path.

    With /work/main on sys.path our package would shadow theirs (both are `netbox_attachments`), so only a folder
    holding a copy of dev/netbox_configuration.py is put on PYTHONPATH.
    """
    env = {key: value for key, value in os.environ.items() if key not in {'PYTHONPATH', 'VIRTUAL_ENV', 'PYTHONHOME'}}
    return env | {
        'PYTHONPATH': str(config_dir),
        'NETBOX_CONFIGURATION': 'netbox_configuration',
        'NETBOX_DB_NAME': db_name,
        'NETBOX_MEDIA_ROOT': str(media_root),
        'NETBOX_REDIS_TASKS_DB': str(REDIS_DBS[0]),
        'NETBOX_REDIS_CACHE_DB': str(REDIS_DBS[1]),
        # Their default settings; our config passes this JSON as PLUGINS_CONFIG['netbox_attachments'].
        'NETBOX_ATTACHMENTS_CONFIG': '{}',
        'NETBOX_WITHOUT_PLUGIN': '',
    }


def run_peer(venv, env, *args, capture=False):
    # -P: the working directory is not put on sys.path either (it is a temporary folder anyway).
    return subprocess.run(
        [str(venv / 'bin' / 'python'), '-P', *args],
        check=True,
        env=env,
        cwd=env['PYTHONPATH'],
        stdout=subprocess.PIPE if capture else None,
        text=True,
    )


@contextmanager
def peer_environment(db_name, media_root):
    """peer_env() with its configuration folder, for as long as the block runs."""
    with tempfile.TemporaryDirectory(prefix='nba-peer-config-') as config_dir:
        shutil.copy(REPO / 'dev' / 'netbox_configuration.py', config_dir)
        yield peer_env(db_name, Path(media_root).resolve(), config_dir)


def run_in_peer(db_name, media_root, code):
    """Run Python code with Django set up by their plugin's NetBox against db_name; returns what it printed."""
    prelude = "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'netbox.settings'); django.setup()\n"
    with peer_environment(db_name, media_root) as env:
        return run_peer(peer_venv(), env, '-c', prelude + code, capture=True).stdout


def other_migrations(conn):
    return set(conn.execute("SELECT app, name FROM django_migrations WHERE app <> 'netbox_attachments'").fetchall())


def make_peer_database(db_name, media_root, state='0013'):
    """Make `db_name` a copy of the migrated template, migrated by their plugin to `state` (their 0013, 0011 or 0007)
    and holding records and files written by dev/peer_writer.py in `media_root`. Returns the writer's manifest."""
    if state not in STATES:
        raise ValueError(f'state must be one of {STATES}, not {state!r}')
    if db_name in RESERVED or not db_name.startswith('nba_peer'):
        raise ValueError(f'{db_name} belongs to another command; give the peer a database named nba_peer*')
    media_root = Path(media_root).resolve()  # the peer runs in another working directory
    databases = databases_module()
    venv = peer_venv()
    with databases.connect() as conn:
        databases.ensure_template(conn)
        databases.copy(conn, db_name, databases.TEMPLATE)
        databases.set_comment(conn, db_name, f'netbox {netbox_version()}; netbox-attachments {PEER_VERSION} {state}')
    media_root.mkdir(parents=True, exist_ok=True)
    with peer_environment(db_name, media_root) as env:
        target = [] if state == '0013' else ['netbox_attachments', next(m for m in PEER_MIGRATIONS if m[:4] == state)]
        run_peer(venv, env, '-m', 'netbox', 'migrate', '--no-input', '-v0', *target)
        if target:
            # A partial migrate applies only what the plugin's target needs; the rest must be as in the template.
            with databases.connect(db_name) as db, databases.connect(databases.TEMPLATE) as template:
                missing = other_migrations(template) - other_migrations(db)
            if missing:
                raise RuntimeError(f'{db_name} lacks migrations the template has: {sorted(missing)[:5]}')
        output = run_peer(venv, env, str(REPO / 'dev' / 'peer_writer.py'), str(media_root), state, capture=True)
    return json.loads(output.stdout)


def main(argv):
    if argv[:1] == ['venv'] and len(argv) == 1:
        print(peer_venv())
    elif argv[:1] == ['db'] and len(argv) in (3, 4):
        print(json.dumps(make_peer_database(*argv[1:]), indent=2))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
