"""Benchmark of the REST API on a real gunicorn server: file transfers and list endpoints (prints figures).

    make bench            # or: .venv/bin/python bench/api_bench.py [--rounds 7] [--part lists]

1. Transfers: a 1 GiB file is uploaded through the API (a streamed multipart body), then downloaded alternately
   through the API's download URL and through NetBox's own /media/ serving of the same file (a hard link outside
   the attachments folder, whose /media/ URLs the plugin answers like the API), both with the same token.
   Both downloads can hand the file to the kernel (gunicorn's sendfile), so the API should be about as fast.
   The growth of the gunicorn worker's resident memory is measured during each transfer.
2. Lists: 1,000 attachments with 3 assignments each (device, site and rack) are created through the ORM; the
   time of `?limit=1000` on both list endpoints is measured over HTTP, and their query count in-process (Django's
   test client, the whole middleware stack) at 100 and at 1,000 attachments: it must not grow.

It runs its own server on the database netbox_attachments_bench with a media folder in a temporary directory,
which it removes at the end. It exits 0 whatever it measures: it is a benchmark, not a test.
"""

import argparse
import hashlib
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dev.live_server import live_server  # noqa: E402

DB_NAME = 'netbox_attachments_bench'
MB = 1000 * 1000
GIB = 1024**3
CHUNK = 1024 * 1024
API = '/api/plugins/netbox-attachments'
TRANSFER_MEMORY_TARGET = 64 * MB
DOWNLOAD_RATIO_TARGET = 0.9
LIST_TARGETS = {'netbox-attachments': 1.0, 'netbox-attachment-assignments': 0.5}  # seconds, ?limit=1000
LIST_SIZES = (100, 1000)
LIST_RUNS = 9  # a full garbage collection (about 0.5 s here) lands in some requests: the median needs enough runs


#
# Memory of the gunicorn worker(s)
#


def status_kib(pid, field):
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith(f'{field}:'):
            return int(line.split()[1])
    raise LookupError(field)


class PeakMemory:
    """Peak growth of the workers' resident memory (bytes) over a `with` block.

    Two measurements, the larger one counts: the kernel's own peak (VmHWM, reset through clear_refs at the start
    where allowed) and a sampling thread reading VmRSS every 5 ms.
    """

    def __init__(self, pids):
        self.pids = pids
        self.growth = 0

    def rss(self):
        return sum(status_kib(pid, 'VmRSS') for pid in self.pids) * 1024

    def __enter__(self):
        self.hwm_reset = True
        for pid in self.pids:
            try:
                Path(f'/proc/{pid}/clear_refs').write_text('5')  # 5: reset the peak RSS to the current RSS
            except OSError:
                self.hwm_reset = False
        self.baseline = self.rss()
        self.peak = self.baseline
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.rss())
        if self.hwm_reset:
            self.peak = max(self.peak, sum(status_kib(pid, 'VmHWM') for pid in self.pids) * 1024)
        self.growth = self.peak - self.baseline


#
# HTTP with constant client memory
#


def connection(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=600), parts


def stream_upload(server, auth, path, name):
    """POST a multipart body built around the file: the file goes out with sendfile, never into memory."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n{name}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        'Content-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f'\r\n--{boundary}--\r\n'.encode()
    conn, _ = connection(server.url)
    try:
        conn.putrequest('POST', f'{API}/netbox-attachments/')
        conn.putheader('Authorization', auth)
        conn.putheader('Accept', 'application/json')
        conn.putheader('Content-Type', f'multipart/form-data; boundary={boundary}')
        conn.putheader('Content-Length', str(len(head) + path.stat().st_size + len(tail)))
        conn.endheaders()
        conn.send(head)
        with open(path, 'rb') as file:
            conn.sock.sendfile(file)
        conn.send(tail)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 201:
        raise RuntimeError(f'upload answered {response.status}: {body[:500]!r}')
    return json.loads(body)


def stream_download(url, auth, digest=None):
    """GET url into a reused buffer; returns the byte count and the seconds until the response headers arrived."""
    conn, parts = connection(url)
    buffer = memoryview(bytearray(CHUNK))
    received = 0
    started = time.perf_counter()
    try:
        conn.request('GET', parts.path, headers={'Authorization': auth})
        response = conn.getresponse()
        headers_after = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f'GET {url} answered {response.status}: {response.read(500)!r}')
        while count := response.readinto(buffer):
            received += count
            if digest is not None:
                digest.update(buffer[:count])
    finally:
        conn.close()
    return received, headers_after


def make_big_file(path, size):
    digest = hashlib.sha256()
    with open(path, 'wb') as file:
        for _ in range(size // CHUNK):
            chunk = os.urandom(CHUNK)
            digest.update(chunk)
            file.write(chunk)
    return digest.hexdigest()


#
# Transfers
#


def bench_transfers(server, auth, workdir, rounds):
    workers = server.worker_pids()
    big = workdir / 'bench-1gib.bin'
    print(f'==> Writing a {GIB} byte file of random data', flush=True)
    sha256 = make_big_file(big, GIB)

    # Warm-up: every code path runs once before anything is measured (imports, caches, first connections).
    small = workdir / 'warm-up.bin'
    small.write_bytes(os.urandom(CHUNK))
    warm = stream_upload(server, auth, small, 'bench warm-up')
    for url in (warm['download_url'], warm['file']) * 2:
        stream_download(url, auth)

    print('==> Uploading it through the API', flush=True)
    with PeakMemory(workers) as upload_memory:
        started = time.perf_counter()
        attachment = stream_upload(server, auth, big, 'bench 1 GiB')
        upload_seconds = time.perf_counter() - started
    if (attachment['size'], attachment['sha256']) != (GIB, sha256):
        raise RuntimeError(f'the stored file differs: size {attachment["size"]}, sha256 {attachment["sha256"]}')
    big.unlink()  # the server has its copy; the disk need not hold two

    # NetBox's own /media/ serving of the same bytes, the yardstick: /media/netbox-attachments/ itself answers with
    # the API's response (the plugin's middleware), so the file is hard-linked into a folder NetBox serves plainly.
    stored = server.media_root / 'netbox-attachments' / attachment['filename']
    (server.media_root / 'bench-baseline').mkdir(exist_ok=True)
    os.link(stored, server.media_root / 'bench-baseline' / stored.name)
    urls = {'api': attachment['download_url'], 'media': f'{server.url}/media/bench-baseline/{quote(stored.name)}'}
    print(f'==> Downloading it {rounds} times through each of {urls["api"]} and {urls["media"]}', flush=True)
    for kind, url in urls.items():  # one untimed pass each that checks the bytes
        digest = hashlib.sha256()
        if stream_download(url, auth, digest)[0] != GIB or digest.hexdigest() != sha256:
            raise RuntimeError(f'{kind} download returned other bytes')
    speeds = {'api': [], 'media': []}
    latencies = {'api': [], 'media': []}
    memory = {'api': 0, 'media': 0}
    for round_number in range(rounds):
        order = ('api', 'media') if round_number % 2 == 0 else ('media', 'api')
        for kind in order:
            with PeakMemory(workers) as peak:
                started = time.perf_counter()
                received, latency = stream_download(urls[kind], auth)
                seconds = time.perf_counter() - started
            if received != GIB:
                raise RuntimeError(f'{kind} download returned {received} bytes')
            speeds[kind].append(GIB / seconds / MB)
            latencies[kind].append(latency)
            memory[kind] = max(memory[kind], peak.growth)

    for kind in speeds:
        print(f'    {kind:>5} MB/s per round: {" ".join(f"{speed:,.0f}" for speed in speeds[kind])}', flush=True)
    api, media = statistics.median(speeds['api']), statistics.median(speeds['media'])
    ratio = api / media

    def details(kind):
        return f'{max(speeds[kind]):,.0f} MB/s, {statistics.median(latencies[kind]) * 1000:.0f} ms'

    return [
        ('Upload 1 GiB, API', f'{GIB / upload_seconds / MB:,.0f} MB/s ({upload_seconds:.1f} s)', '', None),
        ('  worker RSS growth', mb(upload_memory.growth), '< 64 MB', upload_memory.growth < TRANSFER_MEMORY_TARGET),
        (f'Download 1 GiB, API (median of {rounds})', f'{api:,.0f} MB/s', '', None),
        ('  best round; time to response headers', details('api'), '', None),
        ('  worker RSS growth (largest)', mb(memory['api']), '< 64 MB', memory['api'] < TRANSFER_MEMORY_TARGET),
        (f'Download 1 GiB, /media/ (median of {rounds})', f'{media:,.0f} MB/s', '', None),
        ('  best round; time to response headers', details('media'), '', None),
        ('  worker RSS growth (largest)', mb(memory['media']), '< 64 MB', memory['media'] < TRANSFER_MEMORY_TARGET),
        ('Download throughput, API / /media/', f'{ratio:.2f}x', '>= 0.90x', ratio >= DOWNLOAD_RATIO_TARGET),
    ]


def mb(value):
    return f'{value / MB:,.1f} MB'


#
# Lists
#

SEED = """
import hashlib
import sys
from pathlib import Path

from dcim.models import Device, Rack, Site
from django.conf import settings
from django.db import transaction

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment
from core.models import ObjectType

target = int(sys.argv[1])
existing = NetBoxAttachment.objects.filter(name__startswith='bench list ').count()
folder = Path(settings.MEDIA_ROOT) / 'netbox-attachments' / 'bench'
folder.mkdir(parents=True, exist_ok=True)
targets = [list(Device.objects.all()), list(Site.objects.all()), list(Rack.objects.all())]
object_types = [ObjectType.objects.get_for_model(objects[0]) for objects in targets]
with transaction.atomic():
    attachments = []
    for number in range(existing, target):
        name = f'bench/list-{number:04d}.txt'
        (folder.parent / name).write_bytes(b'bench')
        attachments.append(NetBoxAttachment(
            name=f'bench list {number:04d}', file=f'netbox-attachments/{name}', size=5, content_type='text/plain',
            sha256=hashlib.sha256(b'bench').hexdigest(),
        ))
    NetBoxAttachment.objects.bulk_create(attachments)
    NetBoxAttachmentAssignment.objects.bulk_create(
        NetBoxAttachmentAssignment(attachment=attachment, object_type=kind, object_id=objects[n % len(objects)].pk)
        for n, attachment in enumerate(attachments)
        for kind, objects in zip(object_types, targets)
    )
print(NetBoxAttachment.objects.filter(name__startswith='bench list ').count())
"""

QUERY_COUNT = """
import json, sys

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client(HTTP_AUTHORIZATION=sys.argv[1], HTTP_ACCEPT='application/json')
counts = {}
for path in sys.argv[2:]:
    client.get(path)  # warm per-process caches, as a running server has
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    counts[path] = [len(queries), len(response.json()['results'])]
print(json.dumps(counts))
"""


def list_path(endpoint):
    return f'{API}/{endpoint}/?limit=1000'


def time_list(server, auth, endpoint, runs=LIST_RUNS):
    url = f'{server.url}{list_path(endpoint)}'
    session = requests.Session()
    session.headers.update({'Authorization': auth, 'Accept': 'application/json'})
    session.get(url, timeout=60).raise_for_status()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return times, len(response.json()['results'])


def bench_lists(server, auth):
    paths = [list_path(endpoint) for endpoint in LIST_TARGETS]
    counts = {}
    for size in LIST_SIZES:
        print(f'==> {size} attachments with 3 assignments each', flush=True)
        seeded = server.run_python(SEED, str(size), capture_output=True)
        assert int(seeded.stdout.split()[-1]) == size, seeded.stdout
        result = server.run_python(QUERY_COUNT, auth, *paths, capture_output=True)
        counts[size] = json.loads(result.stdout.strip().splitlines()[-1])
    rows = []
    for endpoint, target in LIST_TARGETS.items():
        times, results = time_list(server, auth, endpoint)
        seconds = statistics.median(times)
        path = list_path(endpoint)
        few, many = counts[LIST_SIZES[0]][path][0], counts[LIST_SIZES[-1]][path][0]
        rows += [
            (
                f'{endpoint}/?limit=1000 ({results} rows, median of {len(times)})',
                f'{seconds:.3f} s ({min(times):.2f}-{max(times):.2f})',
                f'< {target} s',
                seconds < target,
            ),
            (
                f'  queries at {LIST_SIZES[0]} / {LIST_SIZES[-1]} attachments',
                f'{few} / {many}',
                'equal',
                few == many,
            ),
        ]
    return rows


#
# Report
#


def print_table(rows):
    width = max(len(row[0]) for row in rows)
    measured_width = max(len(row[1]) for row in rows)
    print()
    print(f'{"Figure":<{width}}  {"Measured":>{measured_width}}  {"Target":>9}  Result')
    print('-' * (width + measured_width + 23))
    for figure, measured, target, passed in rows:
        result = '' if passed is None else ('PASS' if passed else '!!! MISS !!!')
        print(f'{figure:<{width}}  {measured:>{measured_width}}  {target:>9}  {result}')
    missed = [row[0].strip() for row in rows if row[3] is False]
    print()
    if missed:
        print('!' * 72)
        print(f'!!! MISSED {len(missed)} TARGET(S): {"; ".join(missed)}')
        print('!' * 72)
    else:
        print('All targets met.')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=7, help='timed downloads per URL (default 7)')
    parser.add_argument('--part', choices=('all', 'transfers', 'lists'), default='all', help='what to measure')
    args = parser.parse_args()
    if shutil.disk_usage(tempfile.gettempdir()).free < 4 * GIB:
        sys.exit(f'The benchmark needs 4 GiB free in {tempfile.gettempdir()}.')
    workdir = Path(tempfile.mkdtemp(prefix='netbox-attachments-bench-'))
    load_before = f'{os.getloadavg()[0]:.2f}'  # other work on the machine slows the lists down
    try:
        print(f'==> Starting NetBox on database {DB_NAME}, files in {workdir}', flush=True)
        with live_server(DB_NAME, workdir / 'media', redis_dbs=(6, 7)) as server:
            auth = server.admin_authorization()
            print(f'    gunicorn master {server.pid}, worker(s) {server.worker_pids()}', flush=True)
            # Transfers first, on a worker that has not yet grown its heap for 1,000-row lists.
            rows = []
            if args.part in ('all', 'transfers'):
                rows += bench_transfers(server, auth, workdir, args.rounds)
            if args.part in ('all', 'lists'):
                rows += bench_lists(server, auth)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(rows)
    print(f'{os.cpu_count()} CPUs; load average before the run {load_before}, after {os.getloadavg()[0]:.2f}')


if __name__ == '__main__':
    main()
