"""No URL, list, form or API response reveals or serves an attachment, a link or an object the user may not view."""

import pytest
from circuits.models import Circuit, CircuitType, Provider
from core.models import ObjectType
from django.core.files.uploadedfile import SimpleUploadedFile
from tenancy.models import Tenant

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import VIEW_ALL, link, make_attachment, make_device, make_site, make_user
from .helpers import ASSIGNMENT_LIST, ATTACHMENT_LIST, login, url

pytestmark = pytest.mark.django_db

HIDE_SECRET = {'netbox_attachments.netboxattachment': {'name__startswith': 'Visible'}}
API = '/api/plugins/netbox-attachments/netbox-attachment-assignments/'


def test_assignments_of_hidden_attachments_are_hidden(client):
    site = make_site()
    visible = link(make_attachment(name='Visible doc'), site)
    secret = link(make_attachment(name='Secret doc'), site)
    login(client, *VIEW_ALL, 'netbox_attachments.delete_netboxattachmentassignment', constraints=HIDE_SECRET)
    listing = client.get(ASSIGNMENT_LIST).content.decode()
    assert 'Visible doc' in listing and 'Secret doc' not in listing
    assert client.get(visible.get_absolute_url()).status_code == 200
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(url('netboxattachmentassignment_delete', pk=secret.pk)).status_code == 404
    api = client.get(API).json()
    assert [row['id'] for row in api['results']] == [visible.pk]


def test_assigned_to_column_lists_only_links_the_user_may_view(client):
    attachment = make_attachment(name='Shared')
    visible_link = link(attachment, make_site(name='Open site'))
    link(attachment, make_device(name='closed-router'))
    login(
        client,
        *VIEW_ALL,
        constraints={'netbox_attachments.netboxattachmentassignment': {'pk': visible_link.pk}},
    )
    listing = client.get(ATTACHMENT_LIST).content.decode()
    assert 'Open site' in listing
    assert 'closed-router' not in listing and 'dcim &gt; device' not in listing


def test_add_form_cannot_link_without_the_link_permission(client):
    site = make_site()
    login(client, *VIEW_ALL, 'netbox_attachments.add_netboxattachment')
    assert 'link_to_content_type' not in client.get(url('netboxattachment_add')).content.decode()
    client.post(
        url('netboxattachment_add'),
        {
            'file': SimpleUploadedFile('a.txt', b'a'),
            'link_to_content_type': ObjectType.objects.get_for_model(site).pk,
            'link_to_object_id': site.pk,
        },
    )
    assert not NetBoxAttachmentAssignment.objects.exists()


def test_add_form_link_obeys_the_link_permission_constraints(client):
    site = make_site()
    login(
        client,
        *VIEW_ALL,
        'netbox_attachments.add_netboxattachment',
        'netbox_attachments.add_netboxattachmentassignment',
        constraints={'netbox_attachments.netboxattachmentassignment': {'object_id': 0}},
    )
    response = client.post(
        url('netboxattachment_add'),
        {
            'file': SimpleUploadedFile('a.txt', b'a'),
            'link_to_content_type': ObjectType.objects.get_for_model(site).pk,
            'link_to_object_id': site.pk,
        },
    )
    assert response.status_code == 200
    assert not NetBoxAttachment.objects.exists() and not NetBoxAttachmentAssignment.objects.exists()


@pytest.mark.parametrize('model', ['tenant', 'circuit'])
def test_tab_renders_for_models_without_their_own_template(admin_client, model):
    if model == 'tenant':
        obj = Tenant.objects.create(name='T', slug='t')
    else:
        provider = Provider.objects.create(name='P', slug='p')
        obj = Circuit.objects.create(cid='C-1', provider=provider, type=CircuitType.objects.create(name='I', slug='i'))
    link(make_attachment(name='Tab doc'), obj)
    response = admin_client.get(f'{obj.get_absolute_url()}attachments/')
    assert response.status_code == 200
    assert 'Tab doc' in response.content.decode()


def test_import_refuses_a_second_spelling_of_a_used_file(admin_client, media_root):
    existing = make_attachment(filename='report.pdf')
    for spelling in ('netbox-attachments/./report.pdf', 'netbox-attachments//report.pdf', './report.pdf'):
        response = admin_client.post(
            url('netboxattachment_bulk_import'),
            {'data': f'name,file\nCopy,{spelling}', 'format': 'csv', 'csv_delimiter': ','},
        )
        assert response.status_code == 200, spelling
    assert list(NetBoxAttachment.objects.all()) == [existing]


def test_import_refuses_a_folder(admin_client, media_root):
    (media_root / 'netbox-attachments' / 'sub').mkdir(parents=True)
    admin_client.post(
        url('netboxattachment_bulk_import'),
        {'data': 'name,file\nFolder,sub', 'format': 'csv', 'csv_delimiter': ','},
    )
    assert not NetBoxAttachment.objects.exists()


def test_a_name_held_by_a_record_with_a_missing_file_is_not_reused(media_root):
    first = make_attachment(filename='plan.png')
    (media_root / first.file.name).unlink()
    second = make_attachment(filename='plan.png')
    assert second.file.name != first.file.name


def test_api_hides_parents_the_reader_may_not_view(client):
    hidden = make_site(name='Hidden')
    link(make_attachment(), hidden)
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'Other'}})
    assert client.get(API).json()['results'][0]['parent'] is None


def test_api_gives_one_answer_for_missing_and_hidden_objects(client):
    attachment, hidden = make_attachment(), make_site(name='Hidden')
    login(
        client, *VIEW_ALL, 'netbox_attachments.add_netboxattachmentassignment', constraints={'dcim.site': {'name': 'x'}}
    )
    answers = [
        client.post(
            API,
            {'attachment': attachment.pk, 'object_type': 'dcim.site', 'object_id': pk},
            content_type='application/json',
        )
        for pk in (hidden.pk, hidden.pk + 1000)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {'object_id': ['No such object.']}
    assert not NetBoxAttachmentAssignment.objects.exists()


def test_api_refuses_to_move_an_assignment(admin_client):
    assignment = link(make_attachment(), make_site())
    other = make_site()
    response = admin_client.patch(f'{API}{assignment.pk}/', {'object_id': other.pk}, content_type='application/json')
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.object_id != other.pk


def test_deleting_an_object_records_the_unlink_in_its_change_log(admin_client):
    from core.models import ObjectChange

    site = make_site()
    link(make_attachment(), site)
    admin_client.post(f'{site.get_absolute_url()}delete/', {'confirm': True})
    change = ObjectChange.objects.get(changed_object_type=ObjectType.objects.get_for_model(NetBoxAttachmentAssignment))
    assert change.action == 'delete' and change.related_object_id == site.pk


def test_users_can_use_the_api_with_a_token(client):
    from users.models import Token

    user = make_user(None, *VIEW_ALL)
    token = Token.objects.create(user=user, version=1)
    link(make_attachment(name='Via token'), make_site())
    response = client.get(API, HTTP_AUTHORIZATION=f'Token {token.token}')
    assert response.status_code == 200 and response.json()['count'] == 1
