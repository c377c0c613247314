"""What reading part of a large object costs on S3-compatible storage (issue 15): before and after figures.

    .venv/bin/python bench/s3_range_bench.py [--size-mib 1024] [--range-kib 256]

An S3-compatible server (moto's server mode, a separate process) holds one object of --size-mib. Side by side in one
run, for the last --range-kib of it (what a Range request, a text preview or a resumed download asks for):

- django-storages' S3File, as downloads read files today (open, seek, read): it fetches the whole object first;
- one ranged GetObject, streamed in chunks: what a range read through NetBox would do.

For each: time to the first byte, bytes the S3 server sent (counted by a TCP relay in front of it, so every byte
the reader fetched is counted), and the reader's peak resident memory growth. Then the throughput of a whole
object streamed in chunks against one plain GetObject read to the end. It exits 0 whatever it measures.
"""

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_bench import PeakMemory  # noqa: E402
from dev.live_server import free_port  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CHUNK = 1024 * 1024
BUCKET = 'bench'
KEY = 'netbox-attachments/big.bin'
CREDENTIALS = {'aws_access_key_id': 'bench', 'aws_secret_access_key': 'bench', 'region_name': 'us-east-1'}


class CountingProxy:
    """A TCP relay in front of the S3 server that counts the bytes the server sends: everything a reader fetched,
    whatever client library it used."""

    def __init__(self, target_port):
        self.target = ('127.0.0.1', target_port)
        self.sent = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            try:
                upstream = socket.create_connection(self.target)
            except OSError:  # the server is still starting: the client retries
                client.close()
                continue
            threading.Thread(target=self.pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client, True), daemon=True).start()

    def pipe(self, source, target, count):
        try:
            while data := source.recv(CHUNK):
                target.sendall(data)
                if count:
                    with self.lock:
                        self.sent += len(data)
        except OSError:
            pass
        finally:
            for each in (source, target):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)


def measure(label, proxy, read):
    """Runs read(first_byte_callback) and returns a row of figures."""
    before = proxy.sent
    started = time.perf_counter()
    first = {}
    with PeakMemory([os.getpid()]) as memory:
        received = read(lambda: first.setdefault('at', time.perf_counter()))
    elapsed = time.perf_counter() - started
    return {
        'label': label,
        'first_byte_ms': (first.get('at', started) - started) * 1000,
        'seconds': elapsed,
        'received': received,
        'server_sent': proxy.sent - before,
        'memory': memory.growth,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size-mib', type=int, default=1024)
    parser.add_argument('--range-kib', type=int, default=256)
    args = parser.parse_args()
    size, part = args.size_mib * CHUNK, args.range_kib * 1024

    port = free_port()
    server = subprocess.Popen(
        [VENV_BIN / 'moto_server', '-H', '127.0.0.1', '-p', str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        proxy = CountingProxy(port)
        endpoint = f'http://127.0.0.1:{proxy.port}'
        client = boto3.client('s3', endpoint_url=endpoint, **CREDENTIALS)
        for _ in range(100):
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:  # the server is still starting
                time.sleep(0.1)
        print(f'Uploading {args.size_mib} MiB to the S3 server ...', file=sys.stderr)
        with tempfile.TemporaryFile() as source:
            block = os.urandom(CHUNK)
            for _ in range(args.size_mib):
                source.write(block)
            source.seek(0)
            client.upload_fileobj(source, BUCKET, KEY)

        import django
        from django.conf import settings

        settings.configure(
            STORAGES={
                'default': {
                    'BACKEND': 'storages.backends.s3.S3Storage',
                    'OPTIONS': {
                        'bucket_name': BUCKET,
                        'endpoint_url': endpoint,
                        'access_key': 'bench',
                        'secret_key': 'bench',
                        'region_name': 'us-east-1',
                    },
                },
                'staticfiles': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
            },
            FILE_UPLOAD_TEMP_DIR=tempfile.gettempdir(),
        )
        django.setup()
        from django.core.files.storage import default_storage

        def through_s3file(first_byte):
            with default_storage.open(KEY, 'rb') as file:
                file.seek(size - part)
                data = file.read(part)
                first_byte()
            return len(data)

        def ranged_get(first_byte, start=size - part, end=size - 1):
            body = client.get_object(Bucket=BUCKET, Key=KEY, Range=f'bytes={start}-{end}')['Body']
            received = 0
            for chunk in body.iter_chunks(CHUNK):
                if not received:
                    first_byte()
                received += len(chunk)
            return received

        def whole_streamed(first_byte):
            return ranged_get(first_byte, 0, size - 1)

        def whole_plain(first_byte):
            body = client.get_object(Bucket=BUCKET, Key=KEY)['Body']
            received = 0
            while chunk := body.read(CHUNK):
                if not received:
                    first_byte()
                received += len(chunk)
            return received

        rows = [
            measure(f'last {args.range_kib} KiB via S3File (today)', proxy, through_s3file),
            measure(f'last {args.range_kib} KiB via ranged GetObject', proxy, ranged_get),
            measure('whole object, ranged GetObject in chunks', proxy, whole_streamed),
            measure('whole object, plain GetObject', proxy, whole_plain),
        ]
    finally:
        server.terminate()
        server.wait()

    print(f'\nS3 reads of a {args.size_mib} MiB object (moto server on loopback), {time.strftime("%Y-%m-%d")}')
    print(f'{"read":48} {"first byte":>11} {"time":>8} {"received":>12} {"S3 sent":>12} {"memory":>10}')
    for row in rows:
        print(
            f'{row["label"]:48} {row["first_byte_ms"]:9.1f}ms {row["seconds"]:7.2f}s '
            f'{row["received"] / CHUNK:10.2f}Mi {row["server_sent"] / CHUNK:10.2f}Mi {row["memory"] / CHUNK:8.1f}Mi'
        )
    streamed, plain = rows[2]['seconds'], rows[3]['seconds']
    print(f'\nthroughput, chunked ranged stream / plain GetObject: {plain / streamed:.2f}x (target >= 0.8x)')
    print(
        f'range read from S3: {rows[1]["server_sent"] / CHUNK:.2f} MiB (target < 1 MB);'
        f' through S3File today: {rows[0]["server_sent"] / CHUNK:.0f} MiB'
    )


if __name__ == '__main__':
    main()
