"""The REST API: representation, uploads, links, filters and every validation answer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import pre_save
from extras.models import Tag

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import VIEW_ALL, broken_object_type, link, make_attachment, make_device, make_site, make_user
from .helpers import API_ASSIGNMENTS, API_ATTACHMENTS, login

pytestmark = pytest.mark.django_db


def upload(client, filename='manual.pdf', content=b'%PDF-1.4 manual', url=API_ATTACHMENTS, method='post', **fields):
    data = {'file': SimpleUploadedFile(filename, content), **fields}
    if method == 'post':
        return client.post(url, data)
    # Django's test client only encodes multipart bodies for POST; PATCH/PUT get the same encoding by hand.
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return getattr(client, method)(url, encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT)


def post_json(client, url, data):
    return client.post(url, data, content_type='application/json')


def new_link(client, attachment, obj, object_type):
    return post_json(
        client, API_ASSIGNMENTS, {'attachment': attachment.pk, 'object_type': object_type, 'object_id': obj.pk}
    )


#
# Attachments
#


def test_upload_creates_an_attachment_with_its_file_details(admin_client, media_root):
    response = upload(admin_client, description='Rack manual', comments='Uploaded via API')
    assert response.status_code == 201, response.json()
    body = response.json()
    attachment = NetBoxAttachment.objects.get()
    assert body['name'] == 'manual.pdf'
    assert body['description'] == 'Rack manual' and body['comments'] == 'Uploaded via API'
    assert body['size'] == 15 and body['content_type'] == 'application/pdf'
    assert body['sha256'] == attachment.sha256 and len(body['sha256']) == 64
    assert body['file'].endswith(f'/media/{attachment.file.name}')
    assert body['download_url'] == f'http://testserver{API_ATTACHMENTS}{attachment.pk}/download/'
    assert body['assignments'] == []
    assert (media_root / attachment.file.name).read_bytes() == b'%PDF-1.4 manual'


def test_attachment_representation_has_every_documented_field(admin_client):
    attachment = make_attachment()
    body = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/').json()
    expected = {
        'id', 'url', 'display', 'name', 'description', 'file', 'size', 'comments', 'tags', 'custom_fields',
        'created', 'last_updated', 'owner', 'download_url', 'assignments', 'assignment_count', 'content_type',
        'sha256', 'filename',
    }  # fmt: skip
    assert expected <= set(body)


def test_assignment_count_counts_every_link_even_those_the_reader_may_not_view(client):
    attachment = make_attachment()
    link(attachment, make_device())
    link(attachment, make_site(name='Hidden'))
    login(client, *VIEW_ALL, constraints={'netbox_attachments.netboxattachmentassignment': {'object_id': 0}})
    body = client.get(f'{API_ATTACHMENTS}{attachment.pk}/').json()
    assert body['assignments'] == [] and body['assignment_count'] == 2
    [row] = client.get(API_ATTACHMENTS).json()['results']
    assert row['assignment_count'] == 2


def test_a_new_attachment_reports_no_links(admin_client):
    assert upload(admin_client).json()['assignment_count'] == 0


def test_attachments_can_be_ordered_by_their_link_count(admin_client):
    many, one = make_attachment(name='many'), make_attachment(name='one')
    make_attachment(name='none')
    for obj in (make_device(), make_site()):
        link(many, obj)
    link(one, make_device())
    names = [row['name'] for row in admin_client.get(f'{API_ATTACHMENTS}?ordering=-assignment_count').json()['results']]
    assert names == ['many', 'one', 'none']
    names = [row['name'] for row in admin_client.get(f'{API_ATTACHMENTS}?ordering=assignment_count').json()['results']]
    assert names == ['none', 'one', 'many']


def test_assignments_are_nested_with_their_linked_objects(admin_client):
    attachment, device = make_attachment(), make_device(name='core-1')
    assignment = link(attachment, device)
    [item] = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/').json()['assignments']
    assert item['id'] == assignment.pk
    assert item['url'].endswith(f'{API_ASSIGNMENTS}{assignment.pk}/')
    assert item['attachment'] == attachment.pk
    assert (item['object_type'], item['object_id']) == ('dcim.device', device.pk)
    assert item['parent']['id'] == device.pk and item['parent']['name'] == 'core-1'
    assert item['parent']['display_url'].endswith(f'/dcim/devices/{device.pk}/')
    assert item['display'] == str(assignment)
    assert {'created', 'last_updated'} <= set(item)


def test_a_broken_assignment_has_a_null_parent(admin_client):
    attachment = make_attachment()
    NetBoxAttachmentAssignment.objects.create(attachment=attachment, object_type=broken_object_type(), object_id=7)
    [item] = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/').json()['assignments']
    assert item['parent'] is None and item['object_type'] == 'removed_plugin.gadget'


@pytest.mark.parametrize('where', ['attachment', 'assignment list'])
def test_parents_the_reader_may_not_view_are_null(client, where):
    attachment = make_attachment()
    link(attachment, make_site(name='Hidden'))
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'Other'}})
    if where == 'attachment':
        [item] = client.get(f'{API_ATTACHMENTS}{attachment.pk}/').json()['assignments']
    else:
        [item] = client.get(API_ASSIGNMENTS).json()['results']
    assert item['parent'] is None
    assert 'Hidden' not in str(item)


def test_metadata_can_change_without_a_new_file(admin_client):
    attachment = make_attachment(filename='plan.png')
    response = admin_client.patch(
        f'{API_ATTACHMENTS}{attachment.pk}/', {'description': 'Floor 2'}, content_type='application/json'
    )
    assert response.status_code == 200 and response.json()['description'] == 'Floor 2'
    assert response.json()['filename'] == 'plan.png'


def test_deleting_an_attachment_removes_its_file_and_links(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    attachment = make_attachment()
    link(attachment, make_site())
    path = media_root / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f'{API_ATTACHMENTS}{attachment.pk}/').status_code == 204
    assert not path.exists() and not NetBoxAttachmentAssignment.objects.exists()


def test_unlinking_keeps_the_attachment_and_its_file(admin_client, media_root, django_capture_on_commit_callbacks):
    attachment = make_attachment()
    assignment = link(attachment, make_site())
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f'{API_ASSIGNMENTS}{assignment.pk}/').status_code == 204
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists()
    assert (media_root / attachment.file.name).exists()


#
# Upload validation
#


def test_upload_without_a_file_is_refused(admin_client):
    response = admin_client.post(API_ATTACHMENTS, {'name': 'No file'})
    assert response.status_code == 400 and 'file' in response.json()
    assert not NetBoxAttachment.objects.exists()


def test_an_empty_file_is_refused(admin_client, media_root):
    response = upload(admin_client, 'empty.txt', b'')
    assert response.status_code == 400
    assert response.json() == {'file': ['The submitted file is empty.']}
    assert not NetBoxAttachment.objects.exists()


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(admin_client, plugin_settings, media_root):
    with plugin_settings(max_upload_size=10):
        response = upload(admin_client, 'big.txt', b'x' * 11)
    assert response.status_code == 400
    [message] = response.json()['file']
    assert '10 bytes' in message and 'max_upload_size' in message
    assert not NetBoxAttachment.objects.exists()
    assert not any(media_root.rglob('big*'))


def test_a_file_at_the_upload_limit_is_accepted(admin_client, plugin_settings):
    with plugin_settings(max_upload_size=10):
        assert upload(admin_client, 'ok.txt', b'x' * 10).status_code == 201


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(admin_client, plugin_settings):
    with plugin_settings(max_upload_size=1024):
        response = upload(admin_client, 'huge.bin', b'x' * (2 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert '1.0\xa0KB' in response.json()['detail'] or '1024 bytes' in response.json()['detail']
    assert not NetBoxAttachment.objects.exists()


def test_a_file_name_cannot_leave_the_attachments_folder(admin_client, media_root):
    response = upload(admin_client, '../../../etc/evil.sh', b'#!/bin/sh')
    assert response.status_code == 201
    attachment = NetBoxAttachment.objects.get()
    assert attachment.file.name == 'netbox-attachments/evil.sh'
    assert [p.name for p in media_root.parent.rglob('evil.sh')] == ['evil.sh']
    assert (media_root / 'netbox-attachments' / 'evil.sh').exists()


#
# Assignments
#


def test_linking_with_a_dotted_object_type(admin_client):
    attachment, device = make_attachment(), make_device()
    response = new_link(admin_client, attachment, device, 'dcim.device')
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body['object_type'], body['object_id'], body['attachment']['id']) == (
        'dcim.device',
        device.pk,
        attachment.pk,
    )
    assert body['parent']['name'] == device.name


def test_an_object_type_outside_the_scope_is_refused(admin_client, plugin_settings):
    attachment, device = make_attachment(), make_device()
    with plugin_settings(scope_filter=['ipam']):
        response = new_link(admin_client, attachment, device, 'dcim.device')
    assert response.status_code == 400
    assert response.json() == {'object_type': ['This object type is not permitted for attachments.']}
    assert not NetBoxAttachmentAssignment.objects.exists()


@pytest.mark.parametrize('object_type', ['dcim', 'dcim.nosuchmodel', 'nosuchapp.device', 42])
def test_malformed_and_unknown_object_types_are_refused(admin_client, object_type):
    response = new_link(admin_client, make_attachment(), make_device(), object_type)
    assert response.status_code == 400 and 'object_type' in response.json()
    assert not NetBoxAttachmentAssignment.objects.exists()


def test_a_missing_object_is_refused(admin_client):
    device = make_device()
    response = post_json(
        admin_client,
        API_ASSIGNMENTS,
        {'attachment': make_attachment().pk, 'object_type': 'dcim.device', 'object_id': device.pk + 999},
    )
    assert response.status_code == 400 and response.json() == {'object_id': ['No such object.']}


def test_a_second_identical_link_is_refused(admin_client):
    attachment, device = make_attachment(), make_device()
    link(attachment, device)
    response = new_link(admin_client, attachment, device, 'dcim.device')
    assert response.status_code == 400
    assert 'This attachment is already linked to this object.' in str(response.json())
    assert NetBoxAttachmentAssignment.objects.count() == 1


def test_a_duplicate_that_races_past_validation_gets_400_not_500(admin_client):
    attachment, device = make_attachment(), make_device()

    def other_request_wins(sender, instance, **kwargs):
        # What a concurrent request does between this request's validation and its INSERT.
        pre_save.disconnect(other_request_wins, sender=NetBoxAttachmentAssignment)
        link(attachment, device)

    pre_save.connect(other_request_wins, sender=NetBoxAttachmentAssignment)
    try:
        response = new_link(admin_client, attachment, device, 'dcim.device')
    finally:
        pre_save.disconnect(other_request_wins, sender=NetBoxAttachmentAssignment)
    assert response.status_code == 400
    assert response.json() == {'detail': 'This attachment is already linked to this object.'}


def test_bulk_linking_is_all_or_nothing_with_errors_per_item(admin_client):
    attachment, first, second = make_attachment(), make_device(), make_device()
    items = [
        {'attachment': attachment.pk, 'object_type': 'dcim.device', 'object_id': first.pk},
        {'attachment': attachment.pk, 'object_type': 'dcim.device', 'object_id': second.pk + 999},
        {'attachment': attachment.pk, 'object_type': 'dcim.device', 'object_id': first.pk},
    ]
    response = post_json(admin_client, API_ASSIGNMENTS, items)
    assert response.status_code == 400
    errors = {error['index']: error['errors'] for error in response.json()['errors']}
    assert set(errors) == {1, 2}
    assert errors[1] == {'object_id': ['No such object.']}
    assert 'This attachment is already linked to this object.' in str(errors[2])
    assert not NetBoxAttachmentAssignment.objects.exists()


#
# Filters, brief and fields
#


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(item['id'] for item in response.json()['results'])


def test_attachment_filters(admin_client):
    site, device = make_site(), make_device()
    on_site, on_device, alone = make_attachment(name='Site plan'), make_attachment(name='Manual'), make_attachment()
    link(on_site, site)
    link(on_device, device)
    broken = make_attachment(name='Broken')
    NetBoxAttachmentAssignment.objects.create(attachment=broken, object_type=broken_object_type(), object_id=site.pk)
    from core.models import ObjectType

    site_type = ObjectType.objects.get_for_model(site).pk
    assert ids(admin_client.get(f'{API_ATTACHMENTS}?has_assignments=false')) == [alone.pk]
    assert ids(admin_client.get(f'{API_ATTACHMENTS}?has_broken_assignments=true')) == [broken.pk]
    assert ids(admin_client.get(f'{API_ATTACHMENTS}?object_type_id={site_type}&object_id={site.pk}')) == [on_site.pk]
    assert ids(admin_client.get(f'{API_ATTACHMENTS}?object_type=dcim.device')) == [on_device.pk]
    assert ids(admin_client.get(f'{API_ATTACHMENTS}?q=manual')) == [on_device.pk]


def test_object_type_and_object_id_must_match_the_same_assignment(admin_client):
    from core.models import ObjectType

    site, device = make_site(), make_device()
    device.pk = site.pk  # not the same object: another type with the same number
    attachment = make_attachment()
    link(attachment, site)
    device_type = ObjectType.objects.get_for_model(device).pk
    assert ids(admin_client.get(f'{API_ATTACHMENTS}?object_type_id={device_type}&object_id={site.pk}')) == []


def test_assignment_filters(admin_client):
    from core.models import ObjectType

    first, second = make_attachment(name='First'), make_attachment(name='Second')
    site, device = make_site(), make_device()
    a = link(first, site)
    b = link(second, device)
    c = link(second, site)
    tag = Tag.objects.create(name='Audit', slug='audit')
    b.tags.add(tag)
    site_type = ObjectType.objects.get_for_model(site).pk
    assert ids(admin_client.get(f'{API_ASSIGNMENTS}?attachment_id={second.pk}')) == [b.pk, c.pk]
    assert ids(admin_client.get(f'{API_ASSIGNMENTS}?object_type_id={site_type}')) == [a.pk, c.pk]
    assert ids(admin_client.get(f'{API_ASSIGNMENTS}?object_type_id={site_type}&object_id={site.pk}')) == [a.pk, c.pk]
    assert ids(admin_client.get(f'{API_ASSIGNMENTS}?q=first')) == [a.pk]
    assert ids(admin_client.get(f'{API_ASSIGNMENTS}?tag=audit')) == [b.pk]


def test_fields_work_on_both_endpoints(admin_client):
    """?brief is NetBox's test_list_objects_brief in test_generic_views.py."""
    attachment = make_attachment(name='Plan')
    assignment = link(attachment, make_site())
    [chosen] = admin_client.get(f'{API_ATTACHMENTS}?fields=id,name,assignments').json()['results']
    assert set(chosen) == {'id', 'name', 'assignments'} and chosen['assignments'][0]['id'] == assignment.pk
    [chosen] = admin_client.get(f'{API_ASSIGNMENTS}?fields=id,parent').json()['results']
    assert set(chosen) == {'id', 'parent'} and chosen['parent']['id'] == assignment.object_id


#
# Tokens
#


@pytest.mark.parametrize('version', [1, 2])
def test_v1_and_v2_tokens_read_and_write(client, version):
    from users.models import Token

    user = make_user(None, *VIEW_ALL, 'netbox_attachments.add_netboxattachment')
    token = Token.objects.create(user=user, version=version)
    header = token.get_auth_header_prefix() + token.token
    assert header.startswith('Token ' if version == 1 else 'Bearer nbt_')
    link(make_attachment(name='Via token'), make_site())
    listing = client.get(API_ATTACHMENTS, HTTP_AUTHORIZATION=header)
    assert listing.status_code == 200 and listing.json()['count'] == 1
    created = client.post(API_ATTACHMENTS, {'file': SimpleUploadedFile('a.txt', b'a')}, HTTP_AUTHORIZATION=header)
    assert created.status_code == 201, created.content


def test_lists_show_each_rows_own_tags_in_netbox_order(admin_client):
    first, second = make_attachment(name='A'), make_attachment(name='B')
    make_attachment(name='C')  # no tags
    heavy = Tag.objects.create(name='Zulu', slug='zulu', weight=10)
    light = Tag.objects.create(name='Yankee', slug='yankee', weight=2000)
    alpha = Tag.objects.create(name='Alpha', slug='alpha', weight=2000)
    first.tags.add(light, heavy, alpha)
    second.tags.add(alpha)
    link(second, make_site()).tags.add(heavy)
    rows = {row['name']: row for row in admin_client.get(API_ATTACHMENTS).json()['results']}
    assert [t['name'] for t in rows['A']['tags']] == ['Zulu', 'Alpha', 'Yankee']
    assert [t['name'] for t in rows['B']['tags']] == ['Alpha']
    assert rows['C']['tags'] == []
    [assignment] = admin_client.get(API_ASSIGNMENTS).json()['results']
    assert [t['name'] for t in assignment['tags']] == ['Zulu']
    assert [t['name'] for t in admin_client.get(f'{API_ATTACHMENTS}{first.pk}/').json()['tags']] == [
        'Zulu',
        'Alpha',
        'Yankee',
    ]
