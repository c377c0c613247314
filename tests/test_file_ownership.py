"""Every stored file belongs to exactly one committed attachment: refused or rolled-back uploads leave no file, two
uploads never share one, and the import never adopts a file that another record uses or may still use. The rules
about uploads run on the local disk and on an S3-compatible server (the `storage` fixture); the import's, which
reads local file dates, on the local disk."""

import pytest
from core.models import ObjectType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment
from netbox_attachments.storage import UPLOAD_FOLDER, storage_overwrites

from .factories import VIEW_ALL, make_attachment, make_site, stored_file
from .helpers import API_ATTACHMENTS, login, url

pytestmark = pytest.mark.django_db

ONLY_PUB = {'netbox_attachments.netboxattachment': {'name__startswith': 'pub'}}


def stored_names(storage):
    """The files in the attachments folder, as the storage lists them (on S3: the bucket's objects below it)."""
    try:
        return sorted(storage.listdir(UPLOAD_FOLDER)[1])
    except FileNotFoundError:  # a local folder appears with its first file
        return []


def read(storage, name):
    with storage.open(name) as file:
        return file.read()


def import_file(client, path):
    return client.post(
        url('netboxattachment_bulk_import'),
        {'data': f'name,file\npub,{path}', 'format': 'csv', 'csv_delimiter': ','},
    )


@pytest.mark.parametrize('name, allowed', [('notpub', False), ('pub plan', True)])
def test_an_api_upload_keeps_its_file_only_when_its_constraint_allows_the_record(client, storage, name, allowed):
    """The constraint is checked after the save, so a refused upload was stored and must be removed again."""
    login(client, *VIEW_ALL, 'netbox_attachments.add_netboxattachment', constraints=ONLY_PUB)
    response = client.post(API_ATTACHMENTS, {'name': name, 'file': SimpleUploadedFile('plan.txt', b'plan')})
    assert response.status_code == (201 if allowed else 403)
    assert NetBoxAttachment.objects.exists() is allowed
    assert stored_names(storage) == (['plan.txt'] if allowed else [])


@pytest.mark.parametrize('allowed', [False, True])
def test_a_ui_add_keeps_its_file_only_when_its_link_is_allowed(client, storage, allowed):
    """The file is stored before the link is refused; the refusal rolls the record back and the file goes too."""
    site = make_site()
    linkable = site.pk if allowed else site.pk + 1000
    login(
        client,
        *VIEW_ALL,
        'netbox_attachments.add_netboxattachment',
        'netbox_attachments.add_netboxattachmentassignment',
        constraints={'netbox_attachments.netboxattachmentassignment': {'object_id': linkable}},
    )
    response = client.post(
        url('netboxattachment_add'),
        {
            'file': SimpleUploadedFile('linked.txt', b'linked bytes'),
            'link_to_content_type': ObjectType.objects.get_for_model(site).pk,
            'link_to_object_id': site.pk,
        },
    )
    if allowed:
        assert response.status_code == 302
        assert NetBoxAttachmentAssignment.objects.get().attachment == NetBoxAttachment.objects.get()
        assert read(storage, NetBoxAttachment.objects.get().file.name) == b'linked bytes'
        assert stored_names(storage) == ['linked.txt']
    else:
        assert response.status_code == 200  # the form again, with the error
        assert not NetBoxAttachment.objects.exists() and not NetBoxAttachmentAssignment.objects.exists()
        assert stored_names(storage) == []


@pytest.mark.parametrize('via', ['form', 'api'])
def test_a_refused_file_replacement_keeps_the_old_file_and_leaves_no_new_one(client, storage, via):
    """The new file, of the same name, is stored before the constraint refuses the change: it must neither replace
    the old file's bytes (S3 would overwrite an object of that name) nor stay behind."""
    attachment = make_attachment(name='pub plan', filename='old.txt', content=b'old')
    login(client, *VIEW_ALL, 'netbox_attachments.change_netboxattachment', constraints=ONLY_PUB)
    data = {'name': 'renamed out of reach', 'file': SimpleUploadedFile('old.txt', b'new')}
    if via == 'form':
        response = client.post(url('netboxattachment_edit', pk=attachment.pk), data)
    else:
        response = client.patch(
            f'{API_ATTACHMENTS}{attachment.pk}/', encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT
        )
    assert response.status_code == {'form': 200, 'api': 403}[via]  # the form again with the error, or refused
    attachment.refresh_from_db()
    assert (attachment.name, attachment.file.name) == ('pub plan', 'netbox-attachments/old.txt')
    assert stored_names(storage) == ['old.txt']
    assert read(storage, attachment.file.name) == b'old'


def test_two_records_can_never_name_one_file():
    first = make_attachment(filename='one.txt')
    with pytest.raises(IntegrityError), transaction.atomic():
        NetBoxAttachment.objects.create(name='second', file=first.file.name)


def test_a_name_held_by_a_record_whose_file_is_missing_is_not_reused(storage):
    """Deleting either record would delete the other's file."""
    first = make_attachment(filename='plan.png')
    storage.delete(first.file.name)
    assert not storage.exists(first.file.name)
    second = make_attachment(filename='plan.png')
    assert second.file.name != first.file.name


@pytest.mark.parametrize('age, adopted', [(5, False), (120, True)])
def test_the_import_adopts_only_files_older_than_the_cleanup_min_age(admin_client, media_root, age, adopted):
    """A young file may be another user's upload whose record is not committed yet."""
    stored_file(media_root, 'stored.txt', b'stored bytes', age=age)
    response = import_file(admin_client, 'stored.txt')
    if adopted:
        assert response.status_code == 302
        assert NetBoxAttachment.objects.get().file.name == 'netbox-attachments/stored.txt'
    else:
        assert response.status_code == 200
        assert 'No file that can be imported' in response.content.decode()
        assert not NetBoxAttachment.objects.exists()


def test_the_import_does_not_adopt_a_file_taken_after_its_form_was_checked(admin_client, media_root, monkeypatch):
    """The form is checked, then another record takes the file before the import saves: the save re-checks."""
    from netbox_attachments import forms

    stored_file(media_root, 'contested.txt', b'contested')
    checked, calls = forms.adoption_problem, []

    def taken_meanwhile(path):
        calls.append(path)
        if len(calls) == 2:  # after the form's own check, before the save's
            NetBoxAttachment.objects.create(name='owner', file=path)
        return checked(path)

    monkeypatch.setattr(forms, 'adoption_problem', taken_meanwhile)
    response = import_file(admin_client, 'contested.txt')
    assert response.status_code == 200
    assert 'No file that can be imported' in response.content.decode()
    assert len(calls) == 2
    assert not NetBoxAttachment.objects.filter(name='pub').exists()


def test_the_import_gives_one_answer_for_missing_used_and_young_files(admin_client, media_root):
    """Distinct answers would tell an importer which file names exist and which uploads are in progress."""
    used = make_attachment(filename='used.txt')
    stored_file(media_root, 'young.txt', age=5)
    answers = set()
    for path in ('netbox-attachments/missing.txt', used.file.name, 'netbox-attachments/young.txt'):
        body = import_file(admin_client, path).content.decode()
        answers.add(body[body.index('No file that can be imported') :].split('<', 1)[0].replace(path, 'PATH'))
    assert len(answers) == 1
    assert NetBoxAttachment.objects.count() == 1


def test_adopting_a_stored_file_needs_the_adopt_action(client, media_root):
    stored_file(media_root, 'orphan.txt', b'orphan bytes')
    add_only = (*VIEW_ALL, 'netbox_attachments.add_netboxattachment')
    login(client, *add_only)
    body = import_file(client, 'orphan.txt').content.decode()
    assert 'netbox_attachments.adopt_netboxattachment' in body
    assert not NetBoxAttachment.objects.exists()
    login(client, *add_only, 'netbox_attachments.adopt_netboxattachment')
    assert import_file(client, 'orphan.txt').status_code == 302
    assert NetBoxAttachment.objects.get().file.name == 'netbox-attachments/orphan.txt'


@pytest.mark.parametrize('overwrite', [False, True], ids=['keeping', 'overwriting'])
def test_two_uploads_of_one_name_never_share_a_file(storage, settings, overwrite):
    """Also on a storage that replaces a file of the same name: django-storages' S3 backend by default
    (file_overwrite), Django's file system storage with allow_overwrite. Such a storage has no atomic "create if
    absent", so two uploads of one name could both find it free: every name gets a random part from the start."""
    if overwrite:
        option = {'local': 'allow_overwrite', 's3': 'file_overwrite'}[storage.kind]
        default = settings.STORAGES['default']
        options = {**default.get('OPTIONS', {}), option: True}
        settings.STORAGES = {**settings.STORAGES, 'default': {**default, 'OPTIONS': options}}
    field_storage = NetBoxAttachment._meta.get_field('file').storage
    assert storage_overwrites(field_storage) is overwrite
    first, second = make_attachment(filename='scan.pdf', content=b'first'), make_attachment(filename='scan.pdf')
    assert first.file.name != second.file.name
    assert read(field_storage, first.file.name) == b'first'
    assert stored_names(field_storage) == sorted(a.filename for a in (first, second))
    if overwrite:
        for attachment in (first, second):
            assert attachment.file.name.startswith('netbox-attachments/scan_') and attachment.filename.endswith('.pdf')
