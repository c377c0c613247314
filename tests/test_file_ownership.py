"""Every stored file belongs to exactly one committed attachment: refused or rolled-back uploads leave no file, and
the import never adopts a file that another record uses or may still use."""

import pytest
from core.models import ObjectType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import VIEW_ALL, make_attachment, make_site, stored_file
from .helpers import API_ATTACHMENTS, login, url

pytestmark = pytest.mark.django_db

ONLY_PUB = {'netbox_attachments.netboxattachment': {'name__startswith': 'pub'}}


def stored_names(media_root):
    folder = media_root / 'netbox-attachments'
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def import_file(client, path):
    return client.post(
        url('netboxattachment_bulk_import'),
        {'data': f'name,file\npub,{path}', 'format': 'csv', 'csv_delimiter': ','},
    )


@pytest.mark.parametrize('name, allowed', [('notpub', False), ('pub plan', True)])
def test_an_api_upload_keeps_its_file_only_when_its_constraint_allows_the_record(client, media_root, name, allowed):
    login(client, *VIEW_ALL, 'netbox_attachments.add_netboxattachment', constraints=ONLY_PUB)
    response = client.post(API_ATTACHMENTS, {'name': name, 'file': SimpleUploadedFile('plan.txt', b'plan')})
    assert response.status_code == (201 if allowed else 403)
    assert NetBoxAttachment.objects.exists() is allowed
    assert stored_names(media_root) == (['plan.txt'] if allowed else [])


def test_a_ui_add_whose_link_is_refused_leaves_no_file(client, media_root):
    site = make_site()
    login(
        client,
        *VIEW_ALL,
        'netbox_attachments.add_netboxattachment',
        'netbox_attachments.add_netboxattachmentassignment',
        constraints={'netbox_attachments.netboxattachmentassignment': {'object_id': site.pk + 1000}},
    )
    response = client.post(
        url('netboxattachment_add'),
        {
            'file': SimpleUploadedFile('linked.txt', b'linked bytes'),
            'link_to_content_type': ObjectType.objects.get_for_model(site).pk,
            'link_to_object_id': site.pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not NetBoxAttachment.objects.exists() and not NetBoxAttachmentAssignment.objects.exists()
    assert stored_names(media_root) == []


def test_a_refused_file_replacement_keeps_the_old_file_and_leaves_no_new_one(client, media_root):
    attachment = make_attachment(name='pub plan', filename='old.txt', content=b'old')
    login(client, *VIEW_ALL, 'netbox_attachments.change_netboxattachment', constraints=ONLY_PUB)
    response = client.post(
        url('netboxattachment_edit', pk=attachment.pk),
        {'name': 'renamed out of reach', 'file': SimpleUploadedFile('new.txt', b'new')},
    )
    assert response.status_code == 200
    attachment.refresh_from_db()
    assert (attachment.name, attachment.file.name) == ('pub plan', 'netbox-attachments/old.txt')
    assert stored_names(media_root) == ['old.txt']


def test_two_records_can_never_name_one_file():
    first = make_attachment(filename='one.txt')
    with pytest.raises(IntegrityError), transaction.atomic():
        NetBoxAttachment.objects.create(name='second', file=first.file.name)


def test_a_name_held_by_a_record_whose_file_is_missing_is_not_reused(media_root):
    first = make_attachment(filename='plan.png')
    (media_root / first.file.name).unlink()
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


def test_storages_that_overwrite_get_a_random_part_in_every_name(settings, media_root):
    """Without an atomic "create if absent", two uploads of one name could otherwise share one file."""
    settings.STORAGES = {
        **settings.STORAGES,
        'default': {
            'BACKEND': 'django.core.files.storage.FileSystemStorage',
            'OPTIONS': {'location': str(media_root), 'allow_overwrite': True},
        },
    }
    first, second = make_attachment(filename='scan.pdf'), make_attachment(filename='scan.pdf')
    assert first.file.name != second.file.name
    for attachment in (first, second):
        assert attachment.file.name.startswith('netbox-attachments/scan_') and attachment.file.name.endswith('.pdf')
