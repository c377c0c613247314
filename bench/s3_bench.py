"""Downloads from S3-compatible storage through NetBox (issue 15): range reads, throughput, memory (prints figures).

    make bench-s3    # or: .venv/bin/python bench/s3_bench.py [--size-mib 1024] [--range-kib 256] [--rounds 3]

moto's S3 server runs as a separate process, behind a TCP relay that counts every byte it sends; NetBox (gunicorn,
one sync worker) keeps its attachments in a bucket there, reached through the relay. One attachment of --size-mib
random bytes is put in the bucket. Side by side in one run, alternating, median of --rounds:

1. The last --range-kib of it through NetBox's API download (a resumed download, the end of a log), against the same
   ranged GetObject sent straight to the S3 server: time to the first body byte, and the bytes the S3 server sent
   for it. Targets: under 1 MB read from S3, first byte under 100 ms on loopback. moto copies the whole object in
   memory to answer any range of it, so the direct figure is this S3 server's own floor; it is printed beside ours.
2. The whole file through NetBox against one plain GetObject read to the end, same object, same relay. Target:
   at least 0.8x.
3. The gunicorn worker's peak resident memory growth during a whole download. Target: under 64 MB.

Database netbox_attachments_s3_bench, Redis databases 6 and 7, free ports. It exits 0 whatever it measures: it is
a benchmark, not a test.
"""

import argparse
import hashlib
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_bench import CHUNK, MB, PeakMemory, admin_authorization, print_table  # noqa: E402
from dev.live_server import live_server  # noqa: E402
from dev.s3_server import CountingRelay, s3_server  # noqa: E402

DB_NAME = 'netbox_attachments_s3_bench'
REDIS_DBS = (6, 7)
BUCKET = 'netbox-attachments-bench'
NAME = 'netbox-attachments/bench-large.bin'  # the stored name; the key is media/<name> (dev/s3_server.s3_storage)
FIRST_BYTE_TARGET = 0.1  # seconds
RANGE_READ_TARGET = 1 * MB
THROUGHPUT_TARGET = 0.8
MEMORY_TARGET = 64 * MB

CREATE_RECORD = """
import sys
from netbox_attachments.models import NetBoxAttachment
NetBoxAttachment.objects.filter(file=sys.argv[1]).delete()
record = NetBoxAttachment.objects.create(
    name='bench-large.bin', file=sys.argv[1], size=int(sys.argv[2]), sha256=sys.argv[3],
    content_type='application/octet-stream',
)
print(record.pk)
"""


def put_object(client, size_mib):
    """Upload size_mib of random bytes; returns the SHA-256."""
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as source:
        for _ in range(size_mib):
            block = os.urandom(CHUNK)
            digest.update(block)
            source.write(block)
        source.seek(0)
        client.upload_fileobj(source, BUCKET, f'media/{NAME}')
    return digest.hexdigest()


def timed_get(url, headers):
    """GET url, reading the body in 1 MiB pieces: (seconds to the first body byte, seconds in all, bytes)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    buffer = memoryview(bytearray(CHUNK))
    started = time.perf_counter()
    first = None
    received = 0
    try:
        conn.request('GET', f'{parts.path}?{parts.query}' if parts.query else parts.path, headers=headers)
        response = conn.getresponse()
        if response.status not in (200, 206):
            raise RuntimeError(f'GET {url} answered {response.status}: {response.read(500)!r}')
        while count := response.readinto(buffer):
            first = first or time.perf_counter()
            received += count
    finally:
        conn.close()
    return (first or time.perf_counter()) - started, time.perf_counter() - started, received


def direct_url(client, **params):
    """A presigned GetObject URL: the same request as the storage's, straight to the S3 server (via the relay)."""
    return client.generate_presigned_url('get_object', Params={'Bucket': BUCKET, 'Key': f'media/{NAME}', **params})


def counted(relay, read):
    before = relay.sent
    result = read()
    return (*result, relay.sent - before)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--size-mib', type=int, default=1024)
    parser.add_argument('--range-kib', type=int, default=256)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    size, part = args.size_mib * CHUNK, args.range_kib * 1024
    span = f'bytes={size - part}-{size - 1}'

    with s3_server() as s3, tempfile.TemporaryDirectory(prefix='s3-bench-') as workdir:
        relay = CountingRelay(s3.endpoint)
        s3.create_bucket(BUCKET)
        client = s3.client()
        print(f'Putting {args.size_mib} MiB in the bucket ...', file=sys.stderr)
        sha256 = put_object(client, args.size_mib)
        media_root = Path(workdir) / 'media'
        with live_server(DB_NAME, media_root, s3=(relay.endpoint, BUCKET), redis_dbs=REDIS_DBS) as server:
            pk = server.run_python(CREATE_RECORD, NAME, str(size), sha256, capture_output=True).stdout.split()[-1]
            auth = {'Authorization': admin_authorization(server)}
            through_netbox = f'{server.url}/api/plugins/netbox-attachments/netbox-attachments/{pk}/download/'
            range_netbox, range_direct, whole_netbox, whole_direct = [], [], [], []
            peak = 0
            for round_number in range(args.rounds):
                print(f'Round {round_number + 1} of {args.rounds} ...', file=sys.stderr)
                range_netbox.append(counted(relay, lambda: timed_get(through_netbox, {**auth, 'Range': span})))
                range_direct.append(counted(relay, lambda: timed_get(direct_url(client, Range=span), {})))
                with PeakMemory(server.worker_pids()) as memory:
                    whole_netbox.append(counted(relay, lambda: timed_get(through_netbox, auth)))
                peak = max(peak, memory.growth)
                whole_direct.append(counted(relay, lambda: timed_get(direct_url(client), {})))

    for label, rows in (('range via NetBox', range_netbox), ('whole via NetBox', whole_netbox)):
        for _first, _seconds, received, _sent in rows:
            expected = part if label.startswith('range') else size
            if received != expected:
                raise RuntimeError(f'{label} received {received} bytes, not {expected}')

    def median(rows, index):
        return statistics.median(row[index] for row in rows)

    first_ours, first_floor = median(range_netbox, 0), median(range_direct, 0)
    read_ours = median(range_netbox, 3)
    speed_ours = size / median(whole_netbox, 1)
    speed_direct = size / median(whole_direct, 1)
    print(f'\nS3 downloads through NetBox, {args.size_mib} MiB object, moto on loopback, {time.strftime("%Y-%m-%d")}')
    print_table(
        [
            (f'{args.range_kib} KiB range: read from S3', f'{read_ours / MB:.2f} MB', '< 1 MB',
             read_ours < RANGE_READ_TARGET),
            (f'{args.range_kib} KiB range: first byte via NetBox', f'{first_ours * 1000:.0f} ms', '< 100 ms',
             first_ours < FIRST_BYTE_TARGET),
            (f'{args.range_kib} KiB range: first byte, GetObject direct', f'{first_floor * 1000:.0f} ms', '', None),
            ('whole file via NetBox', f'{speed_ours / MB:.0f} MB/s', '', None),
            ('whole file, GetObject direct', f'{speed_direct / MB:.0f} MB/s', '', None),
            ('whole file: NetBox / direct', f'{speed_ours / speed_direct:.2f}x', '>= 0.8x',
             speed_ours / speed_direct >= THROUGHPUT_TARGET),
            ('worker memory growth, whole file', f'{peak / MB:.1f} MB', '< 64 MB', peak < MEMORY_TARGET),
        ]
    )  # fmt: skip


if __name__ == '__main__':
    main()
