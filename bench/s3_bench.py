"""Downloads from S3-compatible storage through NetBox (issue 15): range reads, throughput, memory (prints figures).

    make bench-s3    # or: .venv/bin/python bench/s3_bench.py [--size-mib 1024] [--range-kib 256] [--rounds 4]

moto's S3 server runs as a separate process, behind a TCP relay that counts every byte it sends; NetBox (gunicorn,
one sync worker per server) keeps its attachments in a bucket there, reached through the relay. One attachment of
--size-mib random bytes is put in the bucket. Side by side in one run, alternating, median of --rounds, three ways
to download it: streamed through NetBox (the default), through NetBox's redirect to a presigned URL
(`file_offload='presigned'`, a second NetBox server on the same database and bucket; the client follows the
redirect), and a GetObject sent straight to the S3 server.

1. The last --range-kib of it (a resumed download, the end of a log): time to the first body byte, and the bytes
   the S3 server sent for it. Targets: under 1 MB read from S3, first byte under 100 ms on loopback. moto copies
   the whole object in memory to answer any range of it, so the direct figure is this S3 server's own floor; the
   part beyond it is printed too.
2. The whole file, against the direct GetObject. Target: at least 0.8x.
3. The streaming gunicorn worker's peak resident memory growth during a whole download. Target: under 64 MB.

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
from bench.api_bench import CHUNK, MB, PeakMemory, print_table  # noqa: E402
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
        if response.status == 302:  # file_offload='presigned': on to the bucket, without NetBox's credentials
            response.read()
            conn.close()
            parts = urlsplit(response.getheader('Location'))
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
            rest = {name: value for name, value in headers.items() if name != 'Authorization'}
            conn.request('GET', f'{parts.path}?{parts.query}', headers=rest)
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
    parser.add_argument('--rounds', type=int, default=4)
    args = parser.parse_args()
    size, part = args.size_mib * CHUNK, args.range_kib * 1024
    span = f'bytes={size - part}-{size - 1}'

    with s3_server() as s3, tempfile.TemporaryDirectory(prefix='s3-bench-') as workdir:
        relay = CountingRelay(s3.endpoint)
        s3.create_bucket(BUCKET)
        client = s3.client(relay.endpoint)  # every way reads through the relay: counted, and at the same cost
        print(f'Putting {args.size_mib} MiB in the bucket ...', file=sys.stderr)
        sha256 = put_object(client, args.size_mib)
        media_root = Path(workdir) / 'media'
        shared = {'s3': (relay.endpoint, BUCKET), 'redis_dbs': REDIS_DBS}
        with (
            live_server(DB_NAME, media_root, **shared) as streaming,
            live_server(
                DB_NAME,
                Path(workdir) / 'media-presigned',
                plugin_config={'file_offload': 'presigned'},
                reuse_database=True,
                **shared,
            ) as presigning,
        ):
            pk = streaming.run_python(CREATE_RECORD, NAME, str(size), sha256, capture_output=True).stdout.split()[-1]
            auth = {'Authorization': streaming.admin_authorization()}
            path = f'/api/plugins/netbox-attachments/netbox-attachments/{pk}/download/'
            ways = {
                'streamed through NetBox': lambda: (f'{streaming.url}{path}', auth),
                "presigned redirect (file_offload='presigned')": lambda: (f'{presigning.url}{path}', auth),
                'GetObject straight to the S3 server': lambda: (direct_url(client), {}),
            }
            ranges = {way: [] for way in ways}
            wholes = {way: [] for way in ways}
            peak = 0
            for round_number in range(args.rounds):
                print(f'Round {round_number + 1} of {args.rounds} ...', file=sys.stderr)
                # Each way in turn first: none always follows another's 1 GiB read.
                order = list(ways)[round_number % 3 :] + list(ways)[: round_number % 3]
                for way in order:
                    url, headers = ways[way]()
                    ranged = {**headers, 'Range': span}
                    ranges[way].append(counted(relay, lambda url=url, ranged=ranged: timed_get(url, ranged)))
                for way in order:
                    url, headers = ways[way]()
                    with PeakMemory(streaming.worker_pids()) as memory:
                        wholes[way].append(counted(relay, lambda url=url, headers=headers: timed_get(url, headers)))
                    if way.startswith('streamed'):
                        peak = max(peak, memory.growth)

    for way in ways:
        for rows, expected in ((ranges[way], part), (wholes[way], size)):
            if any(received != expected for _first, _seconds, received, _sent in rows):
                raise RuntimeError(f'{way} received {[row[2] for row in rows]} bytes, not {expected}')

    def median(rows, index):
        return statistics.median(row[index] for row in rows)

    streamed, presigned, direct = ways
    floor = median(ranges[direct], 0)
    speed = {way: size / median(wholes[way], 1) for way in ways}
    print(f'\nS3 downloads, {args.size_mib} MiB object, moto on loopback, {time.strftime("%Y-%m-%d")}')
    rows = []
    for way in (streamed, presigned):
        first, read = median(ranges[way], 0), median(ranges[way], 3)
        ratio = speed[way] / speed[direct]
        rows += [
            (f'{way}:', '', '', None),
            (f'  {args.range_kib} KiB range, read from S3', f'{read / MB:.2f} MB', '< 1 MB', read < RANGE_READ_TARGET),
            (
                f'  {args.range_kib} KiB range, first byte',
                f'{first * 1000:.0f} ms',
                '< 100 ms',
                first < FIRST_BYTE_TARGET,
            ),
            (
                f"  {args.range_kib} KiB range, first byte beyond the S3 server's own",
                f'{(first - floor) * 1000:.0f} ms',
                '',
                None,
            ),
            ('  whole file', f'{speed[way] / MB:.0f} MB/s', '', None),
            ('  whole file against a direct GetObject', f'{ratio:.2f}x', '>= 0.8x', ratio >= THROUGHPUT_TARGET),
        ]
    rows += [
        ('  worker memory growth, whole file (streamed)', f'{peak / MB:.1f} MB', '< 64 MB', peak < MEMORY_TARGET),
        (f'{direct}:', '', '', None),
        (f"  {args.range_kib} KiB range, first byte (this S3 server's floor)", f'{floor * 1000:.0f} ms', '', None),
        ('  whole file', f'{speed[direct] / MB:.0f} MB/s', '', None),
    ]
    print_table(rows)  # fmt: skip


if __name__ == '__main__':
    main()
