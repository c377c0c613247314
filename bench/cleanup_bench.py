"""Benchmark of remove_orphaned_netbox_attachments' report on 100,000 files and 50,000 records, half of them orphaned.

    make bench-cleanup        (or: .venv/bin/python bench/cleanup_bench.py [--files N] [--records N])

Builds its own database (a copy of the migrated template, see dev/databases.py) and a media folder in the temp
folder, then runs the command's report as a separate process, as an administrator would, and prints its wall time
and peak memory next to those of a NetBox command that does nothing (`netbox shell -c pass`), measured in the
same run.
Targets: report under 8 s and under 200 MB.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from dev.databases import connect, drop  # noqa: E402

DB_NAME = 'netbox_attachments_cleanup_bench'
TARGET_SECONDS, TARGET_MB = 8, 200

SEED = """
import hashlib, os, sys
from pathlib import Path

import django
django.setup()

from dcim.models import Site
from django.conf import settings
from django.db import transaction
from core.models import ObjectType

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

files, records = int(sys.argv[1]), int(sys.argv[2])
folder = Path(settings.MEDIA_ROOT) / 'netbox-attachments'
for shard in range(100):
    (folder / f'{shard:02d}').mkdir(parents=True, exist_ok=True)
old = 1_000_000_000  # 2001: far past any --min-age
names = []
for number in range(files):
    name = f'netbox-attachments/{number % 100:02d}/file-{number:06d}.txt'
    path = Path(settings.MEDIA_ROOT) / name
    path.write_bytes(b'x' * (number % 500))
    os.utime(path, (old, old))
    names.append(name)
digest = hashlib.sha256(b'').hexdigest()
with transaction.atomic():
    site = Site.objects.create(name='Bench', slug='bench')
    attachments = NetBoxAttachment.objects.bulk_create(
        NetBoxAttachment(name=f'record {n}', file=names[n], size=n % 500, content_type='text/plain', sha256=digest)
        for n in range(records)
    )
    NetBoxAttachment.objects.update(created='2001-01-01T00:00:00Z')
    site_type = ObjectType.objects.get_for_model(Site)
    NetBoxAttachmentAssignment.objects.bulk_create(
        NetBoxAttachmentAssignment(attachment=a, object_type=site_type, object_id=site.pk)
        for a in attachments[: records // 2]
    )
print(len(names), len(attachments))
"""


def environment(media_root):
    return {
        **os.environ,
        'PYTHONPATH': str(REPO),
        'NETBOX_CONFIGURATION': 'dev.netbox_configuration',
        'DJANGO_SETTINGS_MODULE': 'netbox.settings',
        'NETBOX_DB_NAME': DB_NAME,
        'NETBOX_MEDIA_ROOT': str(media_root),
        'NETBOX_REDIS_TASKS_DB': '10',
        'NETBOX_REDIS_CACHE_DB': '11',
    }


def measured(args, env):
    """Wall time, peak resident memory (MB) and output of a child process."""
    started = time.perf_counter()
    output = [(os.POSIX_SPAWN_OPEN, 1, OUTPUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    pid = os.posix_spawn(args[0], args, env, file_actions=output)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'{" ".join(args)} failed:\n{Path(OUTPUT).read_text()}')
    return seconds, usage.ru_maxrss / 1024, Path(OUTPUT).read_text()


OUTPUT = os.path.join(tempfile.gettempdir(), 'netbox-attachments-cleanup-bench.out')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--files', type=int, default=100_000)
    parser.add_argument('--records', type=int, default=50_000)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix='netbox-attachments-cleanup-bench-'))
    env = environment(workdir / 'media')
    python, netbox = sys.executable, str(Path(sys.executable).with_name('netbox'))
    try:
        print(f'==> Database {DB_NAME}, media in {workdir}', flush=True)
        with connect() as conn:
            drop(conn, DB_NAME)  # each run seeds its own data
        subprocess.run([python, 'dev/databases.py', 'demo'], cwd=REPO, env=env, check=True)
        started = time.perf_counter()
        seeded = subprocess.run(
            [python, '-c', SEED, str(args.files), str(args.records)], cwd=REPO, env=env, check=True,
            capture_output=True, text=True,
        )  # fmt: skip
        print(f'==> Seeded {seeded.stdout.strip()} (files, records) in {time.perf_counter() - started:.1f} s')
        baseline = [measured([netbox, 'shell', '--command', 'pass'], env) for _ in range(args.runs)]
        runs = [measured([netbox, 'remove_orphaned_netbox_attachments'], env) for _ in range(args.runs)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    report_output = runs[-1][2]
    print('==> The report (last run):')
    print('    ' + report_output.strip().replace('\n', '\n    '))
    seconds = sorted(r[0] for r in runs)[len(runs) // 2]
    peak = max(r[1] for r in runs)
    base_seconds = sorted(b[0] for b in baseline)[len(baseline) // 2]
    base_peak = max(b[1] for b in baseline)
    rows = [
        (f'report, {args.files:,} files / {args.records:,} records (median of {len(runs)})', f'{seconds:.2f} s',
         f'< {TARGET_SECONDS} s', seconds < TARGET_SECONDS),
        ('  peak memory of the command process', f'{peak:.0f} MB', f'< {TARGET_MB} MB', peak < TARGET_MB),
        ('  for scale: `netbox shell -c pass` (start-up alone)', f'{base_seconds:.2f} s, {base_peak:.0f} MB', '', None),
        ('  the report\'s own share', f'{seconds - base_seconds:.2f} s, {peak - base_peak:.0f} MB', '', None),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows) + 2
    print(f'\n{"Figure":<{width}}{"Measured":>22}{"Target":>12}  Result')
    for label, value, target, ok in rows:
        result = '' if ok is None else ('PASS' if ok else '!!! MISS !!!')
        print(f'{label:<{width}}{value:>22}{target:>12}  {result}')
    print(f'{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}')


if __name__ == '__main__':
    main()
