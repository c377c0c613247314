import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from netbox_attachments.models import NetBoxAttachmentAssignment, prefetch_parents
from netbox_attachments.storage import UPLOAD_FOLDER

from .factories import broken_object_type, link, make_attachment, make_device, make_site

pytestmark = pytest.mark.django_db


def test_name_defaults_to_the_uploaded_file_name():
    attachment = make_attachment(filename='Rack layout (v2).pdf')
    assert attachment.name == 'Rack layout (v2).pdf'


def test_given_name_is_kept():
    assert make_attachment(name='Manual').name == 'Manual'


def test_size_digest_and_content_type_are_recorded():
    content = b'%PDF-1.4 not really a pdf'
    attachment = make_attachment(filename='manual.pdf', content=content)
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.content_type == 'application/pdf'


def test_content_type_comes_from_the_name_not_the_client():
    attachment = make_attachment(filename='archive.tar.gz')
    assert attachment.content_type == 'application/octet-stream'


@pytest.mark.parametrize(
    'uploaded, stored',
    [
        ('../../etc/passwd', 'passwd'),
        ('..\\..\\windows\\win.ini', 'win.ini'),
        ('my floor plan.png', 'my_floor_plan.png'),
        ('..', 'file'),
        ('.htaccess', 'htaccess'),
        ('a' * 300 + '.txt', 'a' * 96 + '.txt'),
    ],
)
def test_file_names_are_sanitised_and_stay_in_the_attachments_folder(uploaded, stored, media_root):
    attachment = make_attachment(filename=uploaded)
    assert attachment.file.name == f'{UPLOAD_FOLDER}/{stored}'
    assert (media_root / UPLOAD_FOLDER / stored).read_bytes() == b'hello attachments\n'


def test_an_upload_never_overwrites_another_file(media_root):
    first = make_attachment(filename='config.txt', content=b'first')
    second = make_attachment(filename='config.txt', content=b'second')
    assert first.file.name != second.file.name
    assert second.file.name.startswith(f'{UPLOAD_FOLDER}/config_')
    assert (media_root / first.file.name).read_bytes() == b'first'
    assert (media_root / second.file.name).read_bytes() == b'second'


def test_size_is_empty_when_the_stored_file_cannot_be_read(media_root):
    attachment = make_attachment()
    (media_root / attachment.file.name).unlink()
    attachment.refresh_file_details()
    assert attachment.size is None
    assert attachment.sha256 == ''


def test_assignment_pair_is_unique_in_the_database():
    attachment, site = make_attachment(), make_site()
    first = link(attachment, site)
    with pytest.raises(IntegrityError), transaction.atomic():
        NetBoxAttachmentAssignment.objects.create(
            attachment=attachment, object_type=first.object_type, object_id=site.pk
        )


def test_duplicate_assignment_is_refused_with_a_clear_message():
    attachment, site = make_attachment(), make_site()
    link(attachment, site)
    with pytest.raises(ValidationError, match='already linked to this object'):
        link(attachment, site)


def test_one_attachment_links_to_many_objects():
    attachment = make_attachment()
    site, device = make_site(), make_device()
    link(attachment, site)
    link(attachment, device)
    assert {a.parent for a in attachment.assignments.all()} == {site, device}


def test_parent_is_none_when_the_object_is_gone():
    site = make_site()
    assignment = link(make_attachment(), site)
    NetBoxAttachmentAssignment.objects.filter(pk=assignment.pk).update(object_id=site.pk + 1000)
    assignment = NetBoxAttachmentAssignment.objects.get(pk=assignment.pk)
    assert assignment.parent is None
    assert not assignment.is_broken


def test_parent_is_none_and_assignment_broken_when_the_model_is_gone():
    attachment = make_attachment()
    assignment = NetBoxAttachmentAssignment.objects.create(
        attachment=attachment, object_type=broken_object_type(), object_id=7
    )
    assert assignment.parent is None
    assert assignment.is_broken
    assert assignment.target_label == 'removed_plugin > gadget #7'


def test_out_of_scope_object_type_is_refused():
    from users.models import Owner

    owner = Owner.objects.create(name='Ops')
    assignment = NetBoxAttachmentAssignment(attachment=make_attachment())
    assignment.parent = owner
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert error.value.message_dict['object_type'] == ['This object type is not permitted for attachments.']


def test_prefetch_parents_resolves_each_object_type_in_one_query(django_assert_num_queries):
    attachment = make_attachment()
    sites = [make_site() for _ in range(3)]
    devices = [make_device() for _ in range(3)]
    for obj in sites + devices:
        link(attachment, obj)
    assignments = list(NetBoxAttachmentAssignment.objects.select_related('object_type'))
    with django_assert_num_queries(2):
        prefetch_parents(assignments)
    assert {a.parent for a in assignments} == set(sites + devices)
