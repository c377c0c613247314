"""Time of `netbox backfill_attachments` per GiB: the figure the README gives for the switch from netbox-attachments.

    .venv/bin/python bench/backfill_bench.py [--gib 1] [--files 64]

Builds its own database (a copy of the migrated template, see dev/databases.py) and a media folder in the temp
folder, holding attachments as netbox-attachments leaves them (no checksum, no content type, no size), then runs the
command as a separate process, as an administrator would, and prints its wall time per GiB and peak memory next to
those of a NetBox command that does nothing (`netbox shell -c pass`), measured in the same run. The files are read
once, from the disk: each is dropped from the page cache after it is written (posix_fadvise), as on a server that
has not read them lately.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.cleanup_bench import environment, measured  # noqa: E402
from dev.databases import connect, drop  # noqa: E402

DB_NAME = 'netbox_attachments_backfill_bench'
GIB = 1024**3

SEED = """
import os, sys
from pathlib import Path

import django
django.setup()

from django.conf import settings
from netbox_attachments.models import NetBoxAttachment

files, size = int(sys.argv[1]), int(sys.argv[2])
folder = Path(settings.MEDIA_ROOT) / 'netbox-attachments'
folder.mkdir(parents=True, exist_ok=True)
chunk = os.urandom(1024 * 1024)
for number in range(files):
    with open(folder / f'manual-{number:04d}.pdf', 'wb') as out:
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
        os.posix_fadvise(out.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
NetBoxAttachment.objects.bulk_create(
    NetBoxAttachment(name=f'manual {n}', file=f'netbox-attachments/manual-{n:04d}.pdf', size=None, content_type='',
                     sha256='')
    for n in range(files)
)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--gib', type=float, default=1.0)
    parser.add_argument('--files', type=int, default=64)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix='netbox-attachments-backfill-bench-'))
    env = {**environment(workdir / 'media'), 'NETBOX_DB_NAME': DB_NAME}
    python, netbox = sys.executable, str(Path(sys.executable).with_name('netbox'))
    size = int(args.gib * GIB) // args.files
    try:
        with connect() as conn:
            drop(conn, DB_NAME)  # each run seeds its own data
        subprocess.run([python, 'dev/databases.py', 'demo'], cwd=REPO, env=env, check=True)
        subprocess.run([python, '-c', SEED, str(args.files), str(size)], cwd=REPO, env=env, check=True)
        baseline = measured([netbox, 'shell', '--command', 'pass'], env)
        seconds, peak, output = measured([netbox, 'backfill_attachments', '-v0'], env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with connect() as conn:
            drop(conn, DB_NAME)
    gib = args.files * size / GIB
    print(output.strip())
    print(
        f'backfill of {args.files} files, {gib:.2f} GiB: {seconds:.1f} s ({seconds / gib:.1f} s per GiB), '
        f'peak memory {peak:.0f} MB'
    )
    print(f'for scale: `netbox shell -c pass` (start-up alone) {baseline[0]:.1f} s, {baseline[1]:.0f} MB')


if __name__ == '__main__':
    main()
