import sys

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from ...cleanup import DEFAULT_MIN_AGE, StorageCannotList, delete_files, delete_records, scan
from ...models import NetBoxAttachment


class Command(BaseCommand):
    help = (
        'Report (and with --delete remove) orphaned attachment files, which no attachment references, and orphaned '
        'attachment records, which have no assignment. Reports only unless --delete is given.'
    )
    stealth_options = ('stdin',)  # lets tests and scripts answer the confirmation prompt
    # Django's system checks of a whole NetBox take about 6 s and 180 MB, more than the scan itself; `netbox check`
    # runs them on demand, and the scan reads only this plugin's tables and storage.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument('--delete', action='store_true', help='Delete what the report lists (asks first).')
        parser.add_argument('-n', '--dry-run', action='store_true', help='Report only; wins over --delete.')
        parser.add_argument('--no-input', action='store_true', help='Delete without asking (for cron).')
        parser.add_argument('--files-only', action='store_true', help='Only orphaned files.')
        parser.add_argument('--records-only', action='store_true', help='Only attachment records with no assignment.')
        parser.add_argument(
            '--min-age',
            type=int,
            default=DEFAULT_MIN_AGE,
            metavar='SECONDS',
            help='Skip files modified, and records created, within this many seconds (default %(default)s; '
            '0 disables). Protects uploads in flight.',
        )
        parser.add_argument(
            '-e',
            '--exclude',
            action='append',
            default=[],
            metavar='MASK',
            help='Skip files matching this *-style mask, relative to the storage root (e.g. '
            '"netbox-attachments/keep/*"); repeatable. A record whose file matches is skipped too.',
        )
        parser.add_argument(
            '--list-broken',
            action='store_true',
            help='Also list attachments linked to object types whose model no longer exists (never deleted).',
        )

    def handle(self, *args, **options):
        if options['files_only'] and options['records_only']:
            raise CommandError('--files-only and --records-only exclude each other; give neither to act on both.')
        if options['min_age'] < 0:
            raise CommandError('--min-age must be 0 or more seconds.')
        self.verbosity = options['verbosity']
        files, records = not options['records_only'], not options['files_only']
        delete = options['delete'] and not options['dry_run']
        storage = NetBoxAttachment._meta.get_field('file').storage

        try:
            report = scan(
                storage,
                min_age=options['min_age'],
                excludes=options['exclude'],
                list_broken=options['list_broken'],
                files=files,
            )
        except StorageCannotList as exc:  # only when files were asked for
            raise CommandError(str(exc)) from None
        self.print_report(report, files, records, options)

        file_names = [f.name for f in report.orphan_files] if files else []
        orphan_records = report.orphan_records if records else []
        if not delete:
            if file_names or orphan_records:
                self.stdout.write('Nothing was deleted (report only). Run with --delete to remove the above.')
            return
        if not file_names and not orphan_records:
            self.stdout.write(self.style.SUCCESS('Nothing to delete.'))
            return
        if not options['no_input'] and not self.confirm(len(file_names), len(orphan_records), options):
            self.stdout.write('Cancelled: nothing was deleted.')
            return

        deleted_records, kept_records = delete_records(orphan_records, storage, min_age=options['min_age'])
        deleted_files, kept_files = delete_files(file_names, storage)
        self.stdout.write(
            self.style.SUCCESS(
                f'Deleted {deleted_files} orphaned file(s) and {deleted_records} orphaned record(s) with their files.'
            )
        )
        if kept_files or kept_records:
            self.stdout.write(
                f'Kept {kept_files} file(s) and {kept_records} record(s) that changed since the scan (linked, '
                'referenced again, replaced or already gone).'
            )

    def confirm(self, files, records, options):
        stdin = options.get('stdin') or sys.stdin
        self.stdout.write(
            f'Delete {files} orphaned file(s) and {records} orphaned record(s) with their files? This cannot be '
            "undone. Type 'yes' to continue: ",
            ending='',
        )
        self.stdout.flush()
        return stdin.readline().strip().lower() == 'yes'

    def print_report(self, report, files, records, options):
        write, verbose = self.stdout.write, self.verbosity >= 2
        write(
            f'Scanned {report.files_scanned} file(s) in the storage and {report.records_scanned} attachment record(s).'
        )
        if files:
            write(
                f'Orphaned files (no attachment references them): {len(report.orphan_files)}, '
                f'{filesizeformat(report.orphan_file_bytes)}'
            )
            if verbose:
                for stored in report.orphan_files:
                    write(f'  {stored.name} ({filesizeformat(stored.size or 0)})')
            self.print_skipped('file', report.recent_files, report.excluded_files, options, lambda f: f.name)
        if records:
            write(
                f'Orphaned records (attachments with no assignment): {len(report.orphan_records)}, '
                f'{filesizeformat(report.orphan_record_bytes)} of files'
            )
            if verbose:
                for record in report.orphan_records:
                    write(f'  #{record["pk"]} {record["name"]} ({record["file"]})')
            self.print_skipped('record', report.recent_records, report.excluded_records, options, lambda r: r['file'])
        if report.missing_files:
            write(
                self.style.WARNING(
                    f'Records whose file is missing from the storage: {len(report.missing_files)} (reported, never '
                    'deleted)'
                )
            )
            if verbose:
                for record in report.missing_files:
                    write(f'  #{record["pk"]} {record["name"]} ({record["file"] or "no file"})')
        if verbose:
            write('Assignments by object type:')
            for label, count in sorted(report.assignments_by_type.items()):
                write(f'  {label}: {count}')
            if not report.assignments_by_type:
                write('  none')
        if options['list_broken']:
            write(
                f'Attachments linked to object types whose model no longer exists: {len(report.broken)} (kept; '
                'never deleted by this command)'
            )
            for attachment, targets in report.broken:
                write(f'  #{attachment.pk} {attachment} -> {", ".join(targets)}')

    def print_skipped(self, kind, recent, excluded, options, name_of):
        if recent:
            self.stdout.write(
                f'  skipped {len(recent)} {kind}(s) newer than {options["min_age"]} s (--min-age): maybe in use'
            )
        if excluded:
            self.stdout.write(f'  skipped {len(excluded)} {kind}(s) matching --exclude')
        if self.verbosity >= 2:
            for item in [*recent, *excluded]:
                self.stdout.write(f'    skipped: {name_of(item)}')
