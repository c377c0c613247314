"""Benchmark of `file_offload='nginx'`: real Debian nginx in front of a real gunicorn (prints figures).

    make bench-offload    # or: .venv/bin/python bench/offload_bench.py [--seconds 60] [--clients 32] [--rounds 5]

1. Slow clients: gunicorn with 2 workers x 2 threads behind nginx. For --seconds, --clients clients each download
   a 256 MiB attachment at 2 MB/s (64 KiB reads, then a sleep; a finished download starts again) through nginx with
   a token, while another client lists `netbox-attachments/?limit=50` once a second. The list's p50/p95/max in three
   phases: (a) no downloads, (b) downloads with `file_offload` off, (c) downloads with `file_offload='nginx'`.
   Target: (c)'s p95 within 1.5x of (a)'s. A list that gets no answer within 30 s counts as 30 s. nginx has
   `proxy_max_temp_file_size 0`, so that without the offload nginx does not spool each proxied response to a
   temporary file of its own (up to 1 GiB each, its default) but a slow client holds a gunicorn thread, as it does
   with buffering off or a file larger than the spool.
2. Throughput: a 1 GiB attachment downloaded through NetBox with the offload (via nginx, with the token) against
   nginx serving the same file as plain static (`/static-bench/`, an `alias` to the file's folder), alternating,
   median of --rounds. Target: >= 0.9x.

Phases (a) and (b) run on one server with the offload off, (c) and the throughput on a second one with it on (the
setting is read at start-up from NETBOX_ATTACHMENTS_CONFIG). Database netbox_attachments_offload_bench, Redis
databases 6 and 7, free ports, files in a temporary directory that is removed at the end. It exits 0 whatever it
measures: it is a benchmark, not a test.
"""

import argparse
import http.client
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_bench import (  # noqa: E402
    GIB,
    MB,
    SEED,
    make_big_file,
    print_table,
    stream_download,
    stream_upload,
)
from dev.live_server import live_server  # noqa: E402
from dev.nginx import nginx_in_front  # noqa: E402

DB_NAME = 'netbox_attachments_offload_bench'
REDIS_DBS = (6, 7)
MIB = 1024 * 1024
SLOW_SIZE = 256 * MIB
SLOW_RATE = 2 * MB  # bytes per second per client
SLOW_READ = 64 * 1024
LIST_PATH = '/api/plugins/netbox-attachments/netbox-attachments/?limit=50'
LIST_TIMEOUT = 30  # seconds; a list that takes longer counts as this long (and is reported as timed out)
LIST_ROWS = 60
P95_RATIO_TARGET = 1.5
THROUGHPUT_TARGET = 0.9

# nginx serves the same file as plain static, to compare the offload with; and never spools a proxied response to a
# file of its own, so that without the offload a slow client holds a gunicorn thread.
STATIC_LOCATION = """
        location /static-bench/ {{
            alias {static_root}/;
        }}
"""
PROXY_OPTIONS = """
            proxy_read_timeout 600s;
            proxy_max_temp_file_size 0;
"""


def nginx(workdir, upstream, media_root, static_root):
    prefix = Path(tempfile.mkdtemp(prefix='nginx-', dir=workdir))
    extra = STATIC_LOCATION.format(static_root=static_root)
    return nginx_in_front(upstream, media_root, prefix, extra_locations=extra, proxy_options=PROXY_OPTIONS)


@contextmanager
def netbox(workdir, offload):
    """gunicorn, 2 workers x 2 threads, offload on or off, with its own media folder; plus a token."""
    media_root = workdir / ('media-on' if offload else 'media-off')
    config = {'file_offload': 'nginx'} if offload else {}
    # live_server runs sync workers; gunicorn reads extra options from GUNICORN_CMD_ARGS, and a sync worker with
    # more than one thread becomes gthread.
    os.environ['GUNICORN_CMD_ARGS'] = '--threads 2'
    try:
        with live_server(
            DB_NAME, media_root, plugin_config=config, workers=2, redis_dbs=REDIS_DBS, fresh_media=True
        ) as server:
            auth = server.admin_authorization()
            seeded = server.run_python(SEED, str(LIST_ROWS), capture_output=True)
            assert int(seeded.stdout.split()[-1]) == LIST_ROWS, seeded.stdout
            # Warm-up: every worker thread answers the list once before anything is measured (a cold first request
            # takes about 0.6 s here).
            with ThreadPoolExecutor(4) as pool:
                for _ in range(3):
                    list(pool.map(lambda _: warm_list(server.url, auth), range(4)))
            yield server, auth
    finally:
        os.environ.pop('GUNICORN_CMD_ARGS', None)


def warm_list(url, auth):
    requests.get(f'{url}{LIST_PATH}', headers={'Authorization': auth}, timeout=60).raise_for_status()


#
# Slow clients
#


def slow_client(url, auth, stop, totals, index, sockets):
    """Download url at SLOW_RATE until stop is set, starting again when a download ends.

    Its socket is in `sockets`, so that the end of a phase can shut down a client that still waits for headers.
    """
    host, port = url.split('//')[1].split('/')[0].split(':')
    path = '/' + url.split('//')[1].split('/', 1)[1]
    buffer = memoryview(bytearray(SLOW_READ))
    while not stop.is_set():
        conn = http.client.HTTPConnection(host, int(port), timeout=600)
        try:
            conn.connect()
            sockets.append(conn.sock)
            if stop.is_set():
                break
            conn.request('GET', path, headers={'Authorization': auth})
            response = conn.getresponse()
            if response.status != 200:
                totals['errors'] += 1
                time.sleep(1)
                continue
            started = time.monotonic()
            received = 0
            while not stop.is_set():
                count = response.readinto(buffer)
                if not count:
                    totals['completed'] += 1
                    break
                received += count
                totals[index] = totals.get(index, 0) + count
                ahead = received / SLOW_RATE - (time.monotonic() - started)
                if ahead > 0:
                    stop.wait(ahead)
        except (OSError, http.client.HTTPException):
            if not stop.is_set():
                totals['errors'] += 1
        finally:
            if conn.sock in sockets:
                sockets.remove(conn.sock)
            conn.close()


def list_once_a_second(url, auth, seconds):
    session = requests.Session()
    session.headers.update({'Authorization': auth, 'Accept': 'application/json'})
    times, timeouts, errors = [], 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tick = time.monotonic()
        try:
            response = session.get(url, timeout=LIST_TIMEOUT)
            elapsed = time.monotonic() - tick
            if response.status_code != 200 or len(response.json()['results']) != 50:
                errors += 1
            times.append(elapsed)
        except requests.Timeout:
            times.append(LIST_TIMEOUT)
            timeouts += 1
        except requests.RequestException:
            errors += 1
        time.sleep(max(0.0, 1 - (time.monotonic() - tick)))
    return times, timeouts, errors


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def phase(name, proxy_url, auth, download_url, seconds, clients):
    print(f'==> Phase {name}: {clients if download_url else 0} slow downloads for {seconds} s', flush=True)
    stop = threading.Event()
    totals = {'completed': 0, 'errors': 0}
    threads = []
    sockets = []
    if download_url:
        for index in range(clients):
            thread = threading.Thread(
                target=slow_client, args=(download_url, auth, stop, totals, index, sockets), daemon=True
            )
            thread.start()
            threads.append(thread)
        time.sleep(2)  # every download under way
    try:
        times, timeouts, errors = list_once_a_second(f'{proxy_url}{LIST_PATH}', auth, seconds)
    finally:
        stop.set()
        for sock in list(sockets):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout=30)
    downloaded = sum(value for key, value in totals.items() if isinstance(key, int))
    result = {
        'p50': percentile(times, 0.5) if times else float('nan'),
        'p95': percentile(times, 0.95) if times else float('nan'),
        'max': max(times) if times else float('nan'),
        'lists': len(times),
        'timeouts': timeouts,
        'errors': errors,
        'download_mb_s': downloaded / (seconds + 2) / MB,
        'download_errors': totals['errors'],
    }
    print(
        f'    lists {result["lists"]} (timeouts {timeouts}, errors {errors}); p50 {result["p50"] * 1000:.0f} ms, '
        f'p95 {result["p95"] * 1000:.0f} ms, max {result["max"] * 1000:.0f} ms; downloads '
        f'{result["download_mb_s"]:.1f} MB/s in all, {totals["errors"]} errors',
        flush=True,
    )
    return result


def upload(server, auth, workdir, size, name):
    path = workdir / f'{name}.bin'
    print(f'==> Writing and uploading a {size} byte file ({name})', flush=True)
    sha256 = make_big_file(path, size)
    attachment = stream_upload(server, auth, path, name)
    path.unlink()
    if (attachment['size'], attachment['sha256']) != (size, sha256):
        raise RuntimeError(f'the stored file differs: {attachment["size"]}, {attachment["sha256"]}')
    return attachment


def download_path(attachment):
    return '/' + attachment['download_url'].split('//')[1].split('/', 1)[1]


#
# Throughput
#


def bench_throughput(proxy_url, auth, attachment, media_root, rounds):
    stored = media_root / 'netbox-attachments' / attachment['filename']
    urls = {
        'offload': f'{proxy_url}{download_path(attachment)}',
        'static': f'{proxy_url}/static-bench/{stored.name}',
    }
    print(f'==> Downloading 1 GiB {rounds} times through each of {urls["offload"]} and {urls["static"]}', flush=True)
    for url in urls.values():
        stream_download(url, auth)  # warm-up (page cache, connections)
    speeds = {'offload': [], 'static': []}
    for round_number in range(rounds):
        order = ('offload', 'static') if round_number % 2 == 0 else ('static', 'offload')
        for kind in order:
            started = time.perf_counter()
            received, _ = stream_download(urls[kind], auth)
            seconds = time.perf_counter() - started
            if received != GIB:
                raise RuntimeError(f'{kind} download returned {received} bytes')
            speeds[kind].append(GIB / seconds / MB)
    for kind in speeds:
        print(f'    {kind:>7} MB/s per round: {" ".join(f"{speed:,.0f}" for speed in speeds[kind])}', flush=True)
    offload, static = statistics.median(speeds['offload']), statistics.median(speeds['static'])
    ratio = offload / static
    return [
        (f'1 GiB via NetBox + nginx offload (median of {rounds})', f'{offload:,.0f} MB/s', '', None),
        (f'1 GiB nginx static (median of {rounds})', f'{static:,.0f} MB/s', '', None),
        ('Throughput, offload / static', f'{ratio:.2f}x', '>= 0.90x', ratio >= THROUGHPUT_TARGET),
    ]


def ms(value):
    return f'{value * 1000:,.0f} ms'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seconds', type=int, default=60, help='length of each slow-client phase (default 60)')
    parser.add_argument('--clients', type=int, default=32, help='slow downloading clients (default 32)')
    parser.add_argument('--rounds', type=int, default=5, help='timed 1 GiB downloads per URL (default 5)')
    args = parser.parse_args()
    if shutil.disk_usage(tempfile.gettempdir()).free < 4 * GIB:
        sys.exit(f'The benchmark needs 4 GiB free in {tempfile.gettempdir()}.')
    workdir = Path(tempfile.mkdtemp(prefix='netbox-attachments-offload-bench-'))
    os.chmod(workdir, 0o755)
    load_before = f'{os.getloadavg()[0]:.2f}'
    started = time.monotonic()
    results = {}
    rows = []
    try:
        print(f'==> NetBox with file_offload off on database {DB_NAME}, files in {workdir}', flush=True)
        with netbox(workdir, offload=False) as (server, auth):
            slow = upload(server, auth, workdir, SLOW_SIZE, 'bench slow 256 MiB')
            with nginx(workdir, server.url, server.media_root, server.media_root) as proxy:
                results['idle'] = phase('a (idle)', proxy, auth, None, args.seconds, args.clients)
                url = f'{proxy}{download_path(slow)}'
                results['off'] = phase('b (offload off)', proxy, auth, url, args.seconds, args.clients)
        print('==> NetBox with file_offload=nginx', flush=True)
        with netbox(workdir, offload=True) as (server, auth):
            slow = upload(server, auth, workdir, SLOW_SIZE, 'bench slow 256 MiB')
            big = upload(server, auth, workdir, GIB, 'bench 1 GiB')
            static_root = server.media_root / 'netbox-attachments'
            with nginx(workdir, server.url, server.media_root, static_root) as proxy:
                url = f'{proxy}{download_path(slow)}'
                results['on'] = phase('c (offload nginx)', proxy, auth, url, args.seconds, args.clients)
                rows += bench_throughput(proxy, auth, big, server.media_root, args.rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f'List ?limit=50 once a second for {args.seconds} s, {args.clients} clients at 2 MB/s each (256 MiB file):')
    print(f'{"":<20}{"idle":>12}{"offload off":>14}{"offload nginx":>16}')
    for key in ('p50', 'p95', 'max'):
        print(f'{key:<20}' + ''.join(f'{ms(results[p][key]):>{w}}' for p, w in (('idle', 12), ('off', 14), ('on', 16))))
    for key, label in (('lists', 'lists (timeouts)'), ('download_mb_s', 'downloads MB/s')):
        cells = []
        for name, width in (('idle', 12), ('off', 14), ('on', 16)):
            value = results[name][key]
            text = f'{value} ({results[name]["timeouts"]})' if key == 'lists' else f'{value:.1f}'
            cells.append(f'{text:>{width}}')
        print(f'{label:<20}' + ''.join(cells))
    ratio_on = results['on']['p95'] / results['idle']['p95']
    ratio_off = results['off']['p95'] / results['idle']['p95']
    rows = [
        ('List p95, idle', ms(results['idle']['p95']), '', None),
        ('List p95, downloads, offload off', f'{ms(results["off"]["p95"])} ({ratio_off:.1f}x)', '', None),
        ('List p95, downloads, offload nginx', ms(results['on']['p95']), '', None),
        ('  p95 offload nginx / idle', f'{ratio_on:.2f}x', '<= 1.5x', ratio_on <= P95_RATIO_TARGET),
        *rows,
    ]
    print_table(rows)
    print(
        f'{os.cpu_count()} CPUs; load average before the run {load_before}, after {os.getloadavg()[0]:.2f}; '
        f'{time.monotonic() - started:.0f} s in all'
    )


if __name__ == '__main__':
    main()
