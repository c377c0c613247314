"""Unlink keeps the file; deleting the attachment removes links and file (after commit); deleting an object only
removes its links."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import link, make_attachment, make_device, make_site

pytestmark = pytest.mark.django_db


def test_unlink_keeps_the_attachment_and_its_file(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    assignment = link(attachment, make_site())
    with django_capture_on_commit_callbacks(execute=True):
        assignment.delete()
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists()
    assert (media_root / attachment.file.name).exists()


def test_deleting_an_attachment_removes_its_links_and_then_its_file(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    link(attachment, make_site())
    link(attachment, make_device())
    path = media_root / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
        assert path.exists(), 'the file must survive until the transaction commits'
    assert not path.exists()
    assert NetBoxAttachmentAssignment.objects.count() == 0


def test_a_rolled_back_delete_keeps_the_file(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    pk, path = attachment.pk, media_root / attachment.file.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        attachment.delete()
        raise RuntimeError('abort')
    assert callbacks == []
    assert path.exists()
    assert NetBoxAttachment.objects.filter(pk=pk).exists()


def test_bulk_deleting_attachments_removes_their_files(media_root, django_capture_on_commit_callbacks):
    attachments = [make_attachment(filename=f'f{i}.txt') for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        NetBoxAttachment.objects.all().delete()
    assert all(not (media_root / a.file.name).exists() for a in attachments)


def test_deleting_a_linked_object_removes_only_its_links(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    device, site = make_device(), make_site()
    link(attachment, device)
    kept = link(attachment, site)
    with django_capture_on_commit_callbacks(execute=True):
        device.delete()
    assert list(attachment.assignments.all()) == [kept]
    assert (media_root / attachment.file.name).exists()


def test_deleting_an_object_in_the_ui_records_the_unlink_in_its_change_log(admin_client):
    from core.models import ObjectChange, ObjectType

    site = make_site()
    assignment = link(make_attachment(), site)
    response = admin_client.post(f'{site.get_absolute_url()}delete/', {'confirm': True})
    assert response.status_code == 302
    change = ObjectChange.objects.get(changed_object_type=ObjectType.objects.get_for_model(NetBoxAttachmentAssignment))
    assert (change.action, change.changed_object_id) == ('delete', assignment.pk)
    assert change.related_object_id == site.pk


def test_deleting_the_only_linked_object_keeps_the_attachment(media_root):
    attachment = make_attachment()
    site = make_site()
    link(attachment, site)
    site.delete()
    attachment.refresh_from_db()
    assert attachment.assignments.count() == 0


def test_replacing_the_file_removes_the_old_one_after_commit(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment(filename='v1.txt', content=b'one')
    old = media_root / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment.file = ContentFile(b'version two', name='v2.txt')
        attachment.save()
        assert old.exists()
    assert not old.exists()
    assert (media_root / attachment.file.name).read_bytes() == b'version two'
    assert attachment.size == len(b'version two')
    assert attachment.name == 'v1.txt', 'replacing the file keeps the name given before'


def test_saving_without_a_new_file_keeps_the_file(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    with django_capture_on_commit_callbacks(execute=True):
        attachment.description = 'changed'
        attachment.save()
    assert (media_root / attachment.file.name).exists()
