"""The backfill of checksum, size and content type for records adopted from netbox-attachments (issue 13)."""

import hashlib
from io import StringIO

import pytest
from core.models import ObjectChange
from django.core.management import call_command

from netbox_attachments.backfill import backfill, pending
from netbox_attachments.models import NetBoxAttachment

from .factories import make_attachment
from .helpers import body, download_url

pytestmark = pytest.mark.django_db

CONTENT = b'%PDF-1.4\n' + bytes(range(256)) * 40


def adopted(filename='rack plan.pdf', content=CONTENT):
    """An attachment as netbox-attachments left it: no checksum, no content type, and (before its 0004) no size."""
    attachment = make_attachment(filename=filename, content=content)
    NetBoxAttachment.objects.filter(pk=attachment.pk).update(sha256='', content_type='', size=None)
    return NetBoxAttachment.objects.get(pk=attachment.pk)


def test_the_backfill_computes_what_an_upload_would_have(media_root):
    attachment = adopted()
    updated = attachment.last_updated
    result = backfill()
    attachment.refresh_from_db()
    assert (attachment.sha256, attachment.size, attachment.content_type) == (
        hashlib.sha256(CONTENT).hexdigest(),
        len(CONTENT),
        'application/pdf',
    )
    assert (result.filled, result.bytes_read, result.unreadable) == (1, len(CONTENT), [])
    # Nothing a user did has changed: no new change log entry, the same modification time.
    assert attachment.last_updated == updated
    assert not ObjectChange.objects.filter(changed_object_id=attachment.pk, action='update').exists()
    assert not pending().exists()


def test_missing_files_are_reported_and_the_others_filled(media_root):
    gone, present = adopted('gone.pdf'), adopted('present.pdf')
    gone.file.storage.delete(gone.file.name)
    result = backfill()
    assert (result.filled, result.unreadable) == (1, [gone.pk])
    assert list(pending()) == [gone]
    present.refresh_from_db()
    assert present.sha256


def test_an_interrupted_run_goes_on_where_it_stopped(media_root):
    first, second = adopted('first.pdf'), adopted('second.pdf')

    def stop_after_the_first(attachment):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill(on_file=stop_after_the_first)
    assert list(pending()) == [second]  # the first one's details were written before the interruption
    seen = []
    backfill(on_file=lambda attachment: seen.append(attachment.pk))
    assert seen == [second.pk] and not pending().exists()
    first.refresh_from_db()
    assert first.sha256 == hashlib.sha256(CONTENT).hexdigest()


def test_downloads_work_before_the_backfill_without_an_etag(admin_client, media_root):
    attachment = adopted()
    response = admin_client.get(download_url(attachment))
    assert response.status_code == 200 and body(response) == CONTENT
    assert 'ETag' not in response
    assert response['Content-Type'] == 'application/pdf'  # from the name until the backfill stores it
    backfill()
    response = admin_client.get(download_url(attachment))
    assert response['ETag'] == f'"{hashlib.sha256(CONTENT).hexdigest()}"'


def test_the_command_reports_what_it_did(media_root):
    gone = adopted('gone.pdf')
    gone.file.storage.delete(gone.file.name)
    adopted('present.pdf')
    out, err = StringIO(), StringIO()
    call_command('backfill_attachments', verbosity=0, stdout=out, stderr=err)
    assert out.getvalue().startswith('Filled in 1 of 2 attachments (')
    assert f'Attachment IDs: {gone.pk}' in err.getvalue()
    out = StringIO()
    NetBoxAttachment.objects.filter(pk=gone.pk).delete()
    call_command('backfill_attachments', stdout=out)
    assert out.getvalue() == 'Every attachment has its checksum, size and content type.\n'
