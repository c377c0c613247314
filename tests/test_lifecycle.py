"""Unlink keeps the file; deleting the attachment removes links and file (after commit); deleting an object only
removes its links; replacing the file removes the old one (after commit). The rules that store or delete a file run
on the local disk and on an S3-compatible server (the `storage` fixture); those that never touch the storage (an
unlink, a save without a new file) on the local disk only."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import link, make_attachment, make_device, make_site
from .helpers import API_ATTACHMENTS, url

pytestmark = pytest.mark.django_db


def read(storage, name):
    with storage.open(name) as file:
        return file.read()


def replace_file(via, attachment, client, filename, content):
    """Give the attachment a new file the way `via` does: a model save, the edit form, or a multipart API PATCH.
    Returns the response (None for a model save)."""
    if via == 'model':
        attachment.file = ContentFile(content, name=filename)
        attachment.save()
        return None
    data = {'file': SimpleUploadedFile(filename, content)}
    if via == 'form':
        return client.post(url('netboxattachment_edit', pk=attachment.pk), {'name': attachment.name, **data})
    # Django's test client only encodes multipart bodies for POST; PATCH gets the same encoding by hand.
    return client.patch(
        f'{API_ATTACHMENTS}{attachment.pk}/', encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT
    )


def test_unlink_keeps_the_attachment_and_its_file(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    assignment = link(attachment, make_site())
    with django_capture_on_commit_callbacks(execute=True):
        assignment.delete()
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists()
    assert (media_root / attachment.file.name).exists()


def test_deleting_an_attachment_removes_its_links_and_then_its_file(storage, django_capture_on_commit_callbacks):
    """Deleted only once the record's deletion is committed: a file gone with its record still there would be lost."""
    attachment = make_attachment()
    link(attachment, make_site())
    link(attachment, make_device())
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
        assert storage.exists(attachment.file.name), 'the file must survive until the transaction commits'
    assert not storage.exists(attachment.file.name)
    assert NetBoxAttachmentAssignment.objects.count() == 0


def test_a_rolled_back_delete_keeps_the_file(storage, django_capture_on_commit_callbacks):
    attachment = make_attachment(content=b'kept')
    pk, name = attachment.pk, attachment.file.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        attachment.delete()
        raise RuntimeError('abort')
    assert callbacks == []
    assert read(storage, name) == b'kept'
    assert NetBoxAttachment.objects.filter(pk=pk).exists()


def test_bulk_deleting_attachments_removes_their_files(storage, django_capture_on_commit_callbacks):
    attachments = [make_attachment(filename=f'f{i}.txt') for i in range(3)]
    assert all(storage.exists(a.file.name) for a in attachments)
    with django_capture_on_commit_callbacks(execute=True):
        NetBoxAttachment.objects.all().delete()
    assert not any(storage.exists(a.file.name) for a in attachments)


def test_deleting_a_linked_object_removes_only_its_links(storage, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    device, site = make_device(), make_site()
    link(attachment, device)
    kept = link(attachment, site)
    with django_capture_on_commit_callbacks(execute=True):
        device.delete()
    assert list(attachment.assignments.all()) == [kept]
    assert storage.exists(attachment.file.name)


def test_deleting_an_object_in_the_ui_records_the_unlink_in_its_change_log(admin_client):
    from core.models import ObjectChange, ObjectType

    site = make_site()
    assignment = link(make_attachment(), site)
    response = admin_client.post(f'{site.get_absolute_url()}delete/', {'confirm': True})
    assert response.status_code == 302
    change = ObjectChange.objects.get(changed_object_type=ObjectType.objects.get_for_model(NetBoxAttachmentAssignment))
    assert (change.action, change.changed_object_id) == ('delete', assignment.pk)
    assert change.related_object_id == site.pk


def test_deleting_the_only_linked_object_keeps_the_attachment():
    attachment = make_attachment()
    site = make_site()
    link(attachment, site)
    site.delete()
    attachment.refresh_from_db()
    assert attachment.assignments.count() == 0


@pytest.mark.parametrize('via', ['model', 'form', 'api'])
def test_replacing_the_file_removes_the_old_one_after_commit(
    storage, admin_client, django_capture_on_commit_callbacks, via
):
    """Not before: until the commit, the old file is the one the stored record names."""
    attachment = make_attachment(filename='v1.txt', content=b'one')
    old = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = replace_file(via, attachment, admin_client, 'v2.txt', b'version two')
        assert read(storage, old) == b'one', 'the old file must survive until the transaction commits'
    assert getattr(response, 'status_code', None) == {'model': None, 'form': 302, 'api': 200}[via]
    attachment.refresh_from_db()
    assert not storage.exists(old)
    assert read(storage, attachment.file.name) == b'version two'
    assert attachment.size == len(b'version two')
    assert attachment.name == 'v1.txt', 'replacing the file keeps the name given before'


def test_a_rolled_back_replacement_keeps_the_old_file(storage, django_capture_on_commit_callbacks):
    """A new file of the same name is stored under a name of its own: S3 would otherwise overwrite the old object
    before the commit, and a rollback would leave the record naming the new bytes."""
    attachment = make_attachment(filename='v1.txt', content=b'one')
    old = attachment.file.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        replace_file('model', attachment, None, 'v1.txt', b'version two')
        assert attachment.file.name != old
        raise RuntimeError('abort')
    assert callbacks == []
    assert NetBoxAttachment.objects.get(pk=attachment.pk).file.name == old
    assert read(storage, old) == b'one'


def test_saving_without_a_new_file_keeps_the_file(media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    with django_capture_on_commit_callbacks(execute=True):
        attachment.description = 'changed'
        attachment.save()
    assert (media_root / attachment.file.name).exists()


def test_on_s3_an_attachment_is_one_object_from_upload_to_deletion(
    s3, s3_storage, admin_client, django_capture_on_commit_callbacks
):
    """What the bucket itself holds, listed with boto3 rather than through the storage the plugin uses: the object
    is stored under the storage's location at the name the record keeps, and replaced and deleted with the record."""
    client = s3.client()

    def keys():
        return [item['Key'] for item in client.list_objects_v2(Bucket=s3_storage).get('Contents', [])]

    response = admin_client.post(API_ATTACHMENTS, {'file': SimpleUploadedFile('plan.txt', b'plan')})
    assert response.status_code == 201, response.json()
    attachment = NetBoxAttachment.objects.get()
    assert keys() == ['media/netbox-attachments/plan.txt'] == [f'media/{attachment.file.name}']
    with django_capture_on_commit_callbacks(execute=True):
        assert replace_file('api', attachment, admin_client, 'plan.txt', b'plan two').status_code == 200
    attachment.refresh_from_db()
    assert keys() == [f'media/{attachment.file.name}'] != ['media/netbox-attachments/plan.txt']
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f'{API_ATTACHMENTS}{attachment.pk}/').status_code == 204
    assert keys() == []
