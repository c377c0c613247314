import sys

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ...backfill import backfill, pending


class Command(BaseCommand):
    help = (
        'Compute the SHA-256 checksum, size and content type of attachments that lack them (records adopted from '
        'netbox-attachments). Safe to interrupt and to run again: each run goes on where the last one stopped.'
    )
    requires_system_checks = []  # reads only this plugin's table and files; see remove_orphaned_netbox_attachments

    def handle(self, *args, **options):
        total = pending().count()
        if not total:
            self.stdout.write('Every attachment has its checksum, size and content type.')
            return
        show = options['verbosity'] > 0
        with Progress(
            '{task.description}',
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),  # stdout keeps only the report
            disable=not show,
        ) as progress:
            task = progress.add_task('Reading files', total=total)
            result = backfill(on_file=lambda attachment: progress.advance(task))
        read = filesizeformat(result.bytes_read)
        self.stdout.write(f'Filled in {result.filled} of {total} attachments ({read} read).')
        if result.unreadable:
            self.stderr.write(
                f'{len(result.unreadable)} files could not be read (missing or unreadable); their attachments keep '
                f'empty details and are tried again next run. Attachment IDs: ' + ', '.join(map(str, result.unreadable))
            )
