"""An S3-compatible server (moto's server mode) as a separate process, and the NetBox storage settings that use it.

The tests, the browser suite, the two-host tests and the benchmarks keep attachments in a bucket of this server,
as production does with NetBox's STORAGES and django-storages. Its objects live in the server's memory and go with
it; the process is stopped when the block ends, also when the caller is killed.

    with s3_server() as s3:
        s3.create_bucket('attachments')
        settings.STORAGES = {**settings.STORAGES, 'default': s3_storage('attachments', s3.endpoint)}

    python dev/s3_server.py [--port 9000]   # serve until Ctrl-C (the demo's NETBOX_S3_ENDPOINT)
"""

import contextlib
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dev.live_server import die_with_parent, free_port, stop  # noqa: E402

BIN = Path(sys.executable).parent
# moto accepts any credentials; these are the ones every part of the project uses with it.
CHUNK = 1024 * 1024
CREDENTIALS = {'access_key': 'testing', 'secret_key': 'testing', 'region_name': 'us-east-1'}


def s3_storage(bucket, endpoint):
    """NetBox's STORAGES['default'] for a bucket of an S3-compatible server: django-storages' S3 backend, with
    presigned storage URLs (querystring_auth, its default) and without overwriting (as the admin guide asks)."""
    return {
        'BACKEND': 'storages.backends.s3.S3Storage',
        'OPTIONS': {
            'bucket_name': bucket,
            'endpoint_url': endpoint,
            **CREDENTIALS,
            'location': 'media',
            'file_overwrite': False,
        },
    }


class CountingRelay:
    """A TCP relay in front of the S3 server that counts the bytes the server sends: everything a reader fetched,
    whatever client library it used. `relay.endpoint` is the URL to give the reader instead of the server's."""

    def __init__(self, endpoint):
        self.target = ('127.0.0.1', int(endpoint.rsplit(':', 1)[1]))
        self.sent = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.port = self.listener.getsockname()[1]
        self.endpoint = f'http://127.0.0.1:{self.port}'
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


@dataclass
class S3Server:
    endpoint: str  # e.g. http://127.0.0.1:40123
    pid: int

    def client(self, endpoint=None):
        """A boto3 S3 client of this server, or of `endpoint` in front of it (a CountingRelay's)."""
        import boto3

        return boto3.client(
            's3',
            endpoint_url=endpoint or self.endpoint,
            aws_access_key_id=CREDENTIALS['access_key'],
            aws_secret_access_key=CREDENTIALS['secret_key'],
            region_name=CREDENTIALS['region_name'],
        )

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name


@contextmanager
def s3_server(port=None):
    port = port or free_port()
    endpoint = f'http://127.0.0.1:{port}'
    process = subprocess.Popen(
        [str(BIN / 'moto_server'), '-H', '127.0.0.1', '-p', str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f'{endpoint}/moto-api/', timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f'the S3 server on port {port} did not start') from None
                time.sleep(0.1)
        yield S3Server(endpoint=endpoint, pid=process.pid)
    finally:
        stop(process)


def main():
    import argparse
    import signal
    from contextlib import suppress

    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--port', type=int)
    parser.add_argument('--bucket', action='append', default=[], help='create this bucket (repeatable)')
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with s3_server(args.port) as s3:
        for bucket in args.bucket:
            s3.create_bucket(bucket)
        print(f'S3-compatible server at {s3.endpoint} (pid {s3.pid}); Ctrl-C stops it', flush=True)
        with suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == '__main__':
    main()
