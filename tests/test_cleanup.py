"""remove_orphaned_netbox_attachments, on the local file system and on an S3-compatible server (moto)."""

import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from netbox_attachments.cleanup import delete_files, delete_records, scan
from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import broken_object_type, link, make_attachment, make_device, make_site

pytestmark = pytest.mark.django_db

COMMAND = 'remove_orphaned_netbox_attachments'
OLD = 3600  # seconds: well past the default --min-age


def age(storage, name, seconds):
    """Make a local file look `seconds` old; S3 keeps its own dates, so its tests use --min-age 0 instead."""
    if storage.kind == 'local':
        then = time.time() - seconds
        os.utime(storage.path(name), (then, then))


def stray_file(storage, name='netbox-attachments/stray.bin', content=b'stray', seconds=OLD):
    name = storage.save(name, ContentFile(content))
    age(storage, name, seconds)
    return name


def old_record(storage, seconds=OLD, **fields):
    attachment = make_attachment(**fields)
    NetBoxAttachment.objects.filter(pk=attachment.pk).update(created=datetime.now(UTC) - timedelta(seconds=seconds))
    age(storage, attachment.file.name, seconds)
    return attachment


def min_age(storage):
    return ['--min-age', '60' if storage.kind == 'local' else '0']


def run(*args, answer=None):
    out = io.StringIO()
    call_command(COMMAND, *args, stdout=out, stdin=io.StringIO(answer or ''))
    return out.getvalue()


def present(storage, name):
    return storage.exists(name)


#
# Reporting
#


def test_the_default_is_a_report_that_deletes_nothing(storage):
    stray = stray_file(storage)
    orphan = old_record(storage)
    kept = old_record(storage)
    link(kept, make_site())
    output = run(*min_age(storage))
    assert 'Orphaned files (no attachment references them): 1, 5\xa0bytes' in output
    assert 'Orphaned records (attachments with no assignment): 1' in output
    assert 'Nothing was deleted (report only)' in output
    assert present(storage, stray) and NetBoxAttachment.objects.filter(pk=orphan.pk).exists()


def test_verbose_lists_each_file_record_and_the_assignments_by_type(storage):
    stray = stray_file(storage)
    orphan = old_record(storage, name='Old manual')
    linked = old_record(storage)
    link(linked, make_site())
    link(linked, make_device())
    output = run(*min_age(storage), '-v2')
    assert f'  {stray} (5\xa0bytes)' in output
    assert f'  #{orphan.pk} Old manual ({orphan.file.name})' in output
    assert '  dcim > device: 1' in output and '  dcim > site: 1' in output


def test_records_whose_file_is_missing_are_reported_and_never_deleted(storage):
    lost = old_record(storage, name='Lost')
    storage.delete(lost.file.name)
    output = run('--delete', '--no-input', '-v2', *min_age(storage))
    assert 'Records whose file is missing from the storage: 1 (reported, never deleted)' in output
    assert f'#{lost.pk} Lost' in output
    assert NetBoxAttachment.objects.filter(pk=lost.pk).exists()


def test_list_broken_reports_attachments_of_removed_models_and_keeps_them(storage):
    attachment = old_record(storage, name='Gadget manual')
    NetBoxAttachmentAssignment.objects.create(attachment=attachment, object_type=broken_object_type(), object_id=7)
    output = run('--list-broken', '--delete', '--no-input', *min_age(storage))
    assert 'object types whose model no longer exists: 1' in output
    assert f'#{attachment.pk} Gadget manual -> removed_plugin > gadget #7' in output
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists()
    assert present(storage, attachment.file.name)


#
# Deleting
#


def test_delete_without_input_removes_orphaned_files_and_records_with_their_files(
    storage, django_capture_on_commit_callbacks
):
    stray = stray_file(storage)
    orphan = old_record(storage)
    kept = old_record(storage)
    link(kept, make_site())
    with django_capture_on_commit_callbacks(execute=True):
        output = run('--delete', '--no-input', *min_age(storage))
    assert 'Deleted 1 orphaned file(s) and 1 orphaned record(s) with their files.' in output
    assert not present(storage, stray) and not present(storage, orphan.file.name)
    assert not NetBoxAttachment.objects.filter(pk=orphan.pk).exists()
    assert present(storage, kept.file.name) and NetBoxAttachment.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize('answer, deleted', [('yes\n', True), ('no\n', False), ('\n', False)])
def test_delete_asks_first(storage, answer, deleted):
    stray = stray_file(storage)
    output = run('--delete', '--files-only', *min_age(storage), answer=answer)
    assert "Type 'yes' to continue" in output
    assert present(storage, stray) is not deleted
    assert ('Cancelled: nothing was deleted.' in output) is not deleted


def test_dry_run_wins_over_delete(storage):
    stray = stray_file(storage)
    orphan = old_record(storage)
    output = run('--delete', '--dry-run', '--no-input', *min_age(storage))
    assert 'Nothing was deleted' in output
    assert present(storage, stray) and NetBoxAttachment.objects.filter(pk=orphan.pk).exists()


def test_files_only_leaves_records_alone(storage):
    stray, orphan = stray_file(storage), old_record(storage)
    output = run('--delete', '--no-input', '--files-only', *min_age(storage))
    assert 'Orphaned records' not in output
    assert not present(storage, stray) and NetBoxAttachment.objects.filter(pk=orphan.pk).exists()


def test_records_only_leaves_files_alone(storage, django_capture_on_commit_callbacks):
    stray, orphan = stray_file(storage), old_record(storage)
    with django_capture_on_commit_callbacks(execute=True):
        output = run('--delete', '--no-input', '--records-only', *min_age(storage))
    assert 'Orphaned files' not in output
    assert present(storage, stray) and not NetBoxAttachment.objects.filter(pk=orphan.pk).exists()


def test_files_only_and_records_only_together_are_refused():
    with pytest.raises(CommandError, match='exclude each other'):
        run('--files-only', '--records-only')


def test_broken_assignments_keep_their_attachments_when_deleting(storage):
    attachment = old_record(storage)
    NetBoxAttachmentAssignment.objects.create(attachment=attachment, object_type=broken_object_type(), object_id=1)
    run('--delete', '--no-input', *min_age(storage))
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists() and present(storage, attachment.file.name)


#
# In-flight protection and excludes
#


def test_recent_files_and_records_are_skipped(storage):
    fresh_file = stray_file(storage, seconds=0)
    fresh_record = make_attachment()  # uploaded just now, perhaps to be linked by the next API call
    output = run('--delete', '--no-input', '--min-age', '60', '-v2')
    assert 'skipped 1 file(s) newer than 60 s (--min-age)' in output
    assert 'skipped 1 record(s) newer than 60 s (--min-age)' in output
    assert present(storage, fresh_file) and NetBoxAttachment.objects.filter(pk=fresh_record.pk).exists()


def test_min_age_zero_disables_the_protection(storage, django_capture_on_commit_callbacks):
    fresh_file = stray_file(storage, seconds=0)
    fresh_record = make_attachment()
    with django_capture_on_commit_callbacks(execute=True):
        run('--delete', '--no-input', '--min-age', '0')
    assert not present(storage, fresh_file) and not NetBoxAttachment.objects.filter(pk=fresh_record.pk).exists()


def test_excludes_skip_matching_files_and_records(storage):
    kept_file = stray_file(storage, 'netbox-attachments/keep/a.bin')
    other_kept = stray_file(storage, 'netbox-attachments/b.tmp')
    gone = stray_file(storage, 'netbox-attachments/c.bin')
    kept_record = old_record(storage, filename='keep-me.txt')
    output = run(
        '--delete', '--no-input', *min_age(storage), '-e', 'netbox-attachments/keep/*', '--exclude', '*.tmp',
        '-e', '*/keep-me*',
    )  # fmt: skip
    assert 'skipped 2 file(s) matching --exclude' in output
    assert 'skipped 1 record(s) matching --exclude' in output
    assert present(storage, kept_file) and present(storage, other_kept) and not present(storage, gone)
    assert NetBoxAttachment.objects.filter(pk=kept_record.pk).exists()


#
# Concurrency: what changes between the scan and the delete is kept
#


def test_a_record_linked_after_the_scan_is_kept(storage):
    orphan = old_record(storage)
    report = scan(storage, min_age=0)
    assert [r['pk'] for r in report.orphan_records] == [orphan.pk]
    link(orphan, make_site())  # another request links it meanwhile
    assert delete_records(report.orphan_records, storage, min_age=0) == (0, 1)
    assert NetBoxAttachment.objects.filter(pk=orphan.pk).exists()


def test_a_file_that_gains_a_record_after_the_scan_is_kept(storage):
    stray = stray_file(storage)
    report = scan(storage, min_age=0)
    assert [f.name for f in report.orphan_files] == [stray]
    NetBoxAttachment.objects.create(name='Adopted', file=stray)  # e.g. adopted by a bulk import meanwhile
    assert delete_files([f.name for f in report.orphan_files], storage) == (0, 1)
    assert present(storage, stray)


def test_a_record_whose_file_was_replaced_after_the_scan_is_kept(storage):
    orphan = old_record(storage)
    report = scan(storage, min_age=0)
    orphan.file = ContentFile(b'new version', name='new.txt')
    orphan.save()
    assert delete_records(report.orphan_records, storage, min_age=0) == (0, 1)


#
# Errors and exit status
#


def test_a_storage_that_cannot_list_gives_a_clear_error(settings):
    settings.STORAGES = {**settings.STORAGES, 'default': {'BACKEND': 'tests.unlistable_storage.UnlistableStorage'}}
    with pytest.raises(CommandError, match='cannot list its files'):
        run()
    assert 'Orphaned records' in run('--records-only')  # records are still checked, file by file


def test_the_command_line_exits_non_zero_on_error_and_zero_on_success():
    repo = Path(__file__).parent.parent
    env = {**os.environ, 'NETBOX_DB_NAME': connection.settings_dict['NAME']}  # the test database, whatever its name
    netbox = [sys.executable, '-m', 'django']

    def command(*args):
        return subprocess.run([*netbox, COMMAND, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=120)

    refused = command('--files-only', '--records-only')
    assert refused.returncode == 1 and 'exclude each other' in refused.stderr
    report = command()
    assert report.returncode == 0, report.stderr
    assert 'Scanned' in report.stdout


def test_a_record_without_a_file_name_counts_as_missing(storage):
    record = old_record(storage)
    NetBoxAttachment.objects.filter(pk=record.pk).update(file='')
    report = scan(storage, min_age=0)
    assert [r['pk'] for r in report.missing_files] == [record.pk] and report.orphan_records == []
