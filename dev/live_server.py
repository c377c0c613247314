"""A real NetBox with the plugin on a free local port, for tests, benchmarks and the browser suite (e2e/).

The in-process test client never exercises what a WSGI server does with a response (sendfile, Content-Length,
streamed bodies, real multipart uploads) nor what real clients (requests, pynetbox) send. This helper gives code a
running server on a fresh database of its own (a copy of a migrated one, made in a second) with the demo data, and
stops every process it started when the block ends, also when the block raises or its caller is killed.

It serves with gunicorn by default; `server='runserver'` uses Django's development server with `--insecure`, which
also serves NetBox's and the plugin's static files, as a browser needs (gunicorn serves none of them).

    with live_server('netbox_attachments_live', media_root) as server:
        requests.get(f'{server.url}/api/status/')

    python dev/live_server.py netbox_attachments_live /tmp/media   # serve until Ctrl-C
"""

import ctypes
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Databases other commands own: this helper drops and recreates its databases, so it refuses these names.
RESERVED = {
    'netbox_attachments_template', 'test_netbox_attachments', 'netbox_attachments_demo',
    'postgres', 'template0', 'template1',
}  # fmt: skip


@dataclass
class LiveServer:
    url: str  # e.g. http://127.0.0.1:40123, without a trailing slash
    pid: int  # the server process (gunicorn's master)
    media_root: Path
    log: Path  # the server's log
    env: dict = field(repr=False)  # the environment the server runs with, for netbox commands against its database

    def worker_pids(self):
        """The gunicorn workers (the master's children) as they are now: a worker may be replaced."""
        children = Path(f'/proc/{self.pid}/task/{self.pid}/children')
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def admin_authorization(self):
        """An Authorization header value with a new v2 API token of the demo's admin (admin / admin)."""
        request = urllib.request.Request(
            f'{self.url}/api/users/tokens/provision/',
            data=json.dumps({'username': 'admin', 'password': 'admin', 'version': 2}).encode(),
            headers={'Content-Type': 'application/json'},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            token = json.load(response)
        return f'Bearer nbt_{token["key"]}.{token["token"]}'

    def run_python(self, code, *args, **kwargs):
        """Run Python code (with sys.argv[1:] = args) with Django set up against the server's database."""
        prelude = 'import django; django.setup()\n'
        return subprocess.run(
            [sys.executable, '-c', prelude + code, *args], env=self.env, cwd=REPO, check=True, text=True, **kwargs
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def server_env(db_name, media_root, plugin_config=None, redis_dbs=(4, 5), netbox_root=None, s3=None):
    """The environment of a server; `s3` = (endpoint, bucket) keeps its files in that bucket (dev/s3_server.py)."""
    root = {'NETBOX_ROOT': str(netbox_root)} if netbox_root else {}
    return {
        **root,
        **os.environ,
        'NETBOX_S3_ENDPOINT': s3[0] if s3 else '',
        'NETBOX_S3_BUCKET': s3[1] if s3 else '',
        'PYTHONPATH': str(REPO),
        'NETBOX_CONFIGURATION': 'dev.netbox_configuration',
        'DJANGO_SETTINGS_MODULE': 'netbox.settings',
        'NETBOX_DB_NAME': db_name,
        'NETBOX_MEDIA_ROOT': str(media_root),
        'NETBOX_ATTACHMENTS_CONFIG': json.dumps(plugin_config or {}),
        # Own Redis databases: the demo's and the tests' caches stay apart from this server's.
        'NETBOX_REDIS_TASKS_DB': str(redis_dbs[0]),
        'NETBOX_REDIS_CACHE_DB': str(redis_dbs[1]),
    }


def databases_module():
    spec = importlib.util.spec_from_file_location('_netbox_attachments_databases', REPO / 'dev' / 'databases.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recreate_database(env, base=None, demo_data=True):
    """Make the database again, migrated with the plugin and holding only the demo data (or `base`'s data alone).

    `netbox migrate` costs about 10 s even when there is nothing to apply, so it runs only when the plugin's
    migrations change, into `base` (default `<name>_base`, made by dev/databases.py); each run copies that base in
    a second. Servers started at the same time may share a base: an advisory lock lets one of them make it.
    """
    name = env['NETBOX_DB_NAME']
    base = base or f'{name}_base'
    if {name, base} & RESERVED:
        raise ValueError(f'{name} belongs to another command; give live_server a database of its own')
    databases = databases_module()
    ready = f'{databases.plugin_stamp()}; migrated'  # written only after the migration succeeded
    with databases.connect() as conn:
        # Held until this connection closes: the base is checked, made and copied by one server at a time.
        conn.execute('SELECT pg_advisory_lock(hashtext(%s))', (f'live_server {base}',))
        if demo_data and databases.comment_of(conn, base) != ready:  # without demo data, base is used as it is
            subprocess.run(
                [sys.executable, 'dev/databases.py', 'demo'],
                env={**env, 'NETBOX_DB_NAME': base},
                cwd=REPO,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            databases.set_comment(conn, base, ready)
        databases.copy(conn, name, base)
    if demo_data:
        subprocess.run([sys.executable, 'dev/demo_data.py'], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def collect_static(env):
    """Collect static files into the server's NETBOX_ROOT/static (seconds; unchanged files are skipped).

    runserver --insecure serves static files from the apps, but NetBox also reads some itself from
    NETBOX_ROOT/static (STATIC_ROOT), such as the style sheet of rack elevations, which answer 500 without it.
    """
    subprocess.run([str(BIN / 'netbox'), 'collectstatic', '--no-input', '-v0'], env=env, cwd=REPO, check=True)


def wait_until_up(url, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'the server exited with code {process.returncode} before answering')
        try:
            with urllib.request.urlopen(f'{url}/api/status/', timeout=5):
                return
        except urllib.error.HTTPError as exc:
            if exc.code == 403:  # NetBox answers, and wants a login (LOGIN_REQUIRED, NetBox's default)
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f'the server did not answer {url}/api/status/ within {timeout} s')


def die_with_parent():
    """In the child before exec: the kernel sends SIGTERM to the server if this process dies, even by SIGKILL."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop(process):
    """SIGTERM the server (gunicorn's master stops its workers), then SIGKILL its process group if anything is left."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the group is the server's own (start_new_session)
    process.wait()


def server_command(server, port, workers, timeout, log_path):
    if server == 'runserver':
        # Threaded, one process; --insecure serves static files although DEBUG is off.
        return [str(BIN / 'netbox'), 'runserver', '--insecure', '--noreload', f'127.0.0.1:{port}']
    if server != 'gunicorn':
        raise ValueError(f'server must be gunicorn or runserver, not {server!r}')
    return [
        str(BIN / 'gunicorn'),
        'netbox.wsgi:application',
        '--bind', f'127.0.0.1:{port}',
        '--workers', str(workers),
        '--worker-class', 'sync',
        '--timeout', str(timeout),
        '--no-control-socket',
        '--error-logfile', str(log_path),
    ]  # fmt: skip


@contextmanager
def live_server(
    db_name,
    media_root,
    *,
    port=None,
    plugin_config=None,
    workers=1,
    timeout=600,
    redis_dbs=(4, 5),
    log=None,
    server='gunicorn',
    base=None,
    fresh_media=False,
    demo_data=True,
    s3=None,
    reuse_database=False,
):
    """Yield a LiveServer for a fresh copy of `db_name` with the demo data, storing files in `media_root`.

    One sync worker by default: requests are served one at a time, and a benchmark measures that one process.
    `timeout` is gunicorn's worker timeout (a 1 GiB upload takes longer than its default 30 s). `fresh_media`
    empties `media_root` first, so that it holds only the new database's files. `base` with `demo_data=False`
    serves a copy of a database exactly as it is (e.g. one switched from another plugin). `s3` = (endpoint, bucket)
    keeps files in that bucket of an S3-compatible server. `reuse_database` serves `db_name` as it is, without making
    it again: a second host of the same NetBox.
    """
    # A browser needs static files; runserver's own NETBOX_ROOT, beside the media folder, holds them.
    netbox_root = Path(media_root).parent / 'netbox-root' if server == 'runserver' else None
    env = server_env(db_name, media_root, plugin_config, redis_dbs, netbox_root, s3)
    if netbox_root:
        collect_static(env)
    if fresh_media:
        shutil.rmtree(media_root, ignore_errors=True)
    Path(media_root).mkdir(parents=True, exist_ok=True)
    if not reuse_database:
        recreate_database(env, base, demo_data)
    port = port or free_port()
    url = f'http://127.0.0.1:{port}'
    log_path = Path(log) if log else Path(media_root).parent / f'{server}-{port}.log'
    command = server_command(server, port, workers, timeout, log_path)
    with open(log_path, 'wb') as log_file:  # this run's log only
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    try:
        try:
            wait_until_up(url, process, timeout=90)
        except RuntimeError as exc:
            raise RuntimeError(f'{exc}; its log:\n{log_path.read_text()[-3000:]}') from None
        yield LiveServer(url=url, pid=process.pid, media_root=Path(media_root), log=log_path, env=env)
    finally:
        stop(process)


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('db_name')
    parser.add_argument('media_root')
    parser.add_argument('--port', type=int)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--plugin-config', type=json.loads, help='JSON for PLUGINS_CONFIG["netbox_attachments"]')
    parser.add_argument('--server', choices=['gunicorn', 'runserver'], default='gunicorn')
    parser.add_argument('--base', help='the migrated database to copy (default: <db_name>_base)')
    parser.add_argument('--redis-dbs', type=lambda text: tuple(map(int, text.split(','))), default=(4, 5))
    parser.add_argument('--fresh-media', action='store_true', help='empty media_root first')
    parser.add_argument('--log', help="the server's log file (default: beside media_root)")
    parser.add_argument('--s3', action='store_true', help='keep files in a bucket of its own S3-compatible server')
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # runs the clean-up, as Ctrl-C does
    with ExitStack() as stack:
        s3 = None
        if args.s3:
            sys.path.insert(0, str(REPO))  # run as a script, only dev/ itself is on the path
            from dev.s3_server import s3_server

            s3_endpoint = stack.enter_context(s3_server())
            s3 = (s3_endpoint.endpoint, s3_endpoint.create_bucket('netbox-attachments'))
        server = stack.enter_context(
            live_server(
                args.db_name,
                args.media_root,
                port=args.port,
                plugin_config=args.plugin_config,
                workers=args.workers,
                server=args.server,
                base=args.base,
                redis_dbs=args.redis_dbs,
                fresh_media=args.fresh_media,
                log=args.log,
                s3=s3,
            )
        )
        where = f'files in {s3[0]}, bucket {s3[1]}' if s3 else f'files in {args.media_root}'
        print(f'NetBox at {server.url}/ (admin / admin), {args.server} pid {server.pid}, {where}; Ctrl-C stops it')
        sys.stdout.flush()
        with suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == '__main__':
    main()
