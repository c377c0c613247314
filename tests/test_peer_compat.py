"""What users of netbox-attachments 12.x keep after switching (issue 13): their REST fields and filters, their
bookmarked URLs, and the related name their templates use. tests/test_peer_script_live.py runs a whole script of
theirs against a real server."""

from urllib.parse import parse_qs, urlsplit

import pytest
from core.models import ObjectType
from django.urls import resolve, reverse
from extras.models import CustomField, ExportTemplate, Tag
from netbox.registry import registry

from netbox_attachments.models import NetBoxAttachmentAssignment
from netbox_attachments.views import ObjectAttachmentsTabView, PeerTabRedirectView

from .factories import VIEW_ALL, link, make_attachment, make_device, make_site, make_user

pytestmark = pytest.mark.django_db

API = '/api/plugins/netbox-attachments/'
ATTACHMENTS = f'{API}netbox-attachments/'
ASSIGNMENTS = f'{API}netbox-attachment-assignments/'
LINK = '/plugins/netbox-attachments/netbox-attachments/link/'


def login(client, *permissions, constraints=None):
    client.force_login(make_user(None, *permissions, constraints=constraints))
    return client


def assignment_custom_field(name, **fields):
    custom_field = CustomField.objects.create(name=name, **fields)
    custom_field.object_types.set([ObjectType.objects.get_for_model(NetBoxAttachmentAssignment)])
    return custom_field


def tagged_link(attachment, obj, tag, **custom_field_data):
    assignment = link(attachment, obj)
    assignment.tags.add(tag)
    assignment.custom_field_data.update(custom_field_data)
    assignment.save()
    return assignment


#
# REST: nested assignments, brief attachments, filters
#


def test_nested_assignments_carry_their_tags_and_custom_fields(admin_client):
    assignment_custom_field('ticket', type='text')
    assignment_custom_field(
        'rack_site', type='object', related_object_type=ObjectType.objects.get_for_model(make_site())
    )
    tag = Tag.objects.create(name='Warranty', slug='warranty')
    attachment, site = make_attachment(name='Manual'), make_site(name='Linked HQ')
    assignment = tagged_link(attachment, make_device(), tag, ticket='T-42', rack_site=site.pk)

    detail = admin_client.get(f'{ATTACHMENTS}{attachment.pk}/').json()
    [listed] = admin_client.get(ATTACHMENTS).json()['results']
    endpoint = admin_client.get(f'{ASSIGNMENTS}{assignment.pk}/').json()
    for representation in (detail, listed):
        [item] = representation['assignments']
        assert [t['slug'] for t in item['tags']] == ['warranty']
        assert item['custom_fields']['ticket'] == 'T-42'
        assert item['custom_fields']['rack_site']['id'] == site.pk
        # The same as the assignment endpoint shows, as in netbox-attachments 12.x.
        assert (item['tags'], item['custom_fields']) == (endpoint['tags'], endpoint['custom_fields'])


def test_nested_tags_and_custom_fields_of_hidden_assignments_stay_hidden(client):
    assignment_custom_field('ticket', type='text')
    tag = Tag.objects.create(name='SECRET-TAG', slug='secret-tag')
    attachment, site = make_attachment(name='Manual'), make_site()
    shown = tagged_link(attachment, site, Tag.objects.create(name='Public', slug='public'), ticket='T-1')
    tagged_link(attachment, make_device(), tag, ticket='SECRET-TICKET')
    # May view the attachment and its links to sites, not its link to the device.
    login(
        client, *VIEW_ALL, constraints={'netbox_attachments.netboxattachmentassignment': {'object_type__model': 'site'}}
    )

    for path in (f'{ATTACHMENTS}{attachment.pk}/', ATTACHMENTS, f'{ATTACHMENTS}?fields=id,assignments'):
        response = client.get(path)
        body = response.content.decode()
        assert response.status_code == 200 and 'SECRET-TAG' not in body and 'SECRET-TICKET' not in body, path
        data = response.json()
        [item] = (data['results'][0] if 'results' in data else data)['assignments']
        assert (item['id'], item['custom_fields'], [t['slug'] for t in item['tags']]) == (
            shown.pk,
            {'ticket': 'T-1'},
            ['public'],
        )

    login(client, 'netbox_attachments.view_netboxattachment')  # no view permission on links at all
    assert client.get(f'{ATTACHMENTS}{attachment.pk}/').json()['assignments'] == []


def test_brief_and_nested_attachments_carry_the_file_url(admin_client):
    attachment = make_attachment(filename='plan.pdf')
    assignment = link(attachment, make_site())
    [brief] = admin_client.get(f'{ATTACHMENTS}?brief=1').json()['results']
    nested = admin_client.get(f'{ASSIGNMENTS}{assignment.pk}/').json()['attachment']
    for representation in (brief, nested):
        assert representation['file'] == f'http://testserver/media/{attachment.file.name}'


def test_an_unknown_or_hidden_attachment_id_filters_to_an_empty_list(client):
    visible, hidden = make_attachment(name='Visible'), make_attachment(name='Hidden')
    shown, _ = link(visible, make_site()), link(hidden, make_site())
    login(client, *VIEW_ALL, constraints={'netbox_attachments.netboxattachment': {'name': 'Visible'}})
    unknown = hidden.pk + 1000

    def found(query):
        response = client.get(f'{ASSIGNMENTS}?{query}')
        assert response.status_code == 200, response.content
        return [item['id'] for item in response.json()['results']]

    assert found(f'attachment_id={visible.pk}') == [shown.pk]
    # Missing and hidden read alike: nothing tells which attachment IDs exist.
    assert found(f'attachment_id={unknown}') == found(f'attachment_id={hidden.pk}') == []
    assert found(f'attachment_id={unknown}&attachment_id={visible.pk}') == [shown.pk]
    assert client.get(f'{ASSIGNMENTS}?attachment_id=abc').status_code == 400


#
# Bookmarks: their object tab and "Link existing" page
#


def test_their_tab_url_redirects_to_ours_with_the_query_string(admin_client):
    device = make_device()
    path = f'/dcim/devices/{device.pk}/device-attachment_list/'
    assert reverse('dcim:device_device-attachment_list', kwargs={'pk': device.pk}) == path
    response = admin_client.get(f'{path}?sort=name&per_page=50')
    assert response.status_code == 302
    assert response['Location'] == f'/dcim/devices/{device.pk}/attachments/?sort=name&per_page=50'
    assert admin_client.get(path)['Location'] == f'/dcim/devices/{device.pk}/attachments/'
    assert admin_client.get(response['Location']).status_code == 200


@pytest.mark.parametrize(
    ('path', 'ours'),
    [
        ('/dcim/device-types/2/devicetype-attachment_list/', '/dcim/device-types/2/attachments/'),
        ('/ipam/ip-addresses/3/ipaddress-attachment_list/', '/ipam/ip-addresses/3/attachments/'),
        ('/virtualization/interfaces/5/vminterface-attachment_list/', '/virtualization/interfaces/5/attachments/'),
        ('/circuits/circuits/9/circuit-attachment_list/', '/circuits/circuits/9/attachments/'),
    ],
)
def test_their_tab_urls_of_other_models_redirect_too(admin_client, path, ours):
    response = admin_client.get(path)
    assert (response.status_code, response['Location']) == (302, ours)


def test_every_model_with_our_tab_has_their_tab_url():
    checked = 0
    for app_label, models in registry['views'].items():
        for model_name, views in models.items():
            by_name = {view['name']: view for view in views}
            if by_name.get('attachments', {}).get('view') is not ObjectAttachmentsTabView:
                continue
            theirs = by_name.get(f'{model_name}-attachment_list')
            assert theirs is not None, f'{app_label}.{model_name}'
            assert theirs['view'] is PeerTabRedirectView and theirs['path'] == f'{model_name}-attachment_list'
            assert theirs['kwargs']['model'] is by_name['attachments']['kwargs']['model']
            checked += 1
    assert checked > 90  # their default scope alone gave 97 tabs


def test_their_tab_url_adds_no_tab(admin_client):
    device = make_device()
    link(make_attachment(), device)
    page = admin_client.get(device.get_absolute_url()).content.decode()
    assert 'attachment_list' not in page and page.count(f'/dcim/devices/{device.pk}/attachments/') >= 1


def test_their_tab_url_reveals_nothing_about_objects_the_user_may_not_view(client):
    visible, hidden = make_device('visible-router'), make_device('HIDDEN-DEVICE')
    link(make_attachment(name='Manual'), hidden)
    missing = hidden.pk + 1000
    login(client, *VIEW_ALL, constraints={'dcim.device': {'name': 'visible-router'}})

    answers = {}
    for name, pk in (('visible', visible.pk), ('hidden', hidden.pk), ('missing', missing)):
        response = client.get(f'/dcim/devices/{pk}/device-attachment_list/?q=x')
        # The redirect depends on the URL only: the same answer whether the object exists, is hidden or visible.
        assert response.status_code == 302 and response['Location'] == f'/dcim/devices/{pk}/attachments/?q=x'
        assert response.content == b''
        followed = client.get(response['Location'])
        answers[name] = followed.status_code
        if name != 'visible':
            assert b'HIDDEN-DEVICE' not in followed.content and b'Manual' not in followed.content
    assert answers == {'visible': 200, 'hidden': 404, 'missing': 404}


def test_their_urls_send_anonymous_users_to_the_login_page(client):
    device = make_device()
    for path in (f'/dcim/devices/{device.pk}/device-attachment_list/', f'{LINK}?object_id=1'):
        response = client.get(path)
        assert response.status_code == 302 and response['Location'].startswith('/login/?next='), path


def test_their_link_url_redirects_to_our_link_form(admin_client):
    attachment, device = make_attachment(name='Wiring plan'), make_device('core-router')
    device_type = ObjectType.objects.get_for_model(device).pk
    return_url = f'/dcim/devices/{device.pk}/device-attachment_list/'
    response = admin_client.get(
        LINK,
        {'object_type': device_type, 'object_id': device.pk, 'attachment': attachment.pk, 'return_url': return_url},
    )
    assert response.status_code == 302
    location = urlsplit(response['Location'])
    assert location.path == reverse('plugins:netbox_attachments:netboxattachmentassignment_add')
    assert parse_qs(location.query) == {
        'parent_content_type': [str(device_type)],
        'parent_object_id': [str(device.pk)],
        'attachment': [str(attachment.pk)],
        'return_url': [return_url],
    }
    assert resolve(LINK).url_name == 'netboxattachment_link'

    form = admin_client.get(response['Location']).content.decode()
    assert 'Wiring plan' in form and 'core-router' in form  # both ends filled in
    created = admin_client.post(
        response['Location'],
        {'attachment': attachment.pk, 'parent_content_type': device_type, 'parent_object_id': device.pk},
    )
    assert created.status_code == 302 and [a.parent for a in attachment.assignments.all()] == [device]


def test_their_link_url_leads_to_a_form_that_names_no_hidden_object(client):
    attachment, hidden = make_attachment(name='SECRET-ATTACHMENT'), make_device('HIDDEN-DEVICE')
    login(
        client,
        *VIEW_ALL,
        'netbox_attachments.add_netboxattachmentassignment',
        constraints={'dcim.device': {'name': 'other'}, 'netbox_attachments.netboxattachment': {'name': 'other'}},
    )
    query = {
        'object_type': ObjectType.objects.get_for_model(hidden).pk,
        'object_id': hidden.pk,
        'attachment': attachment.pk,
    }
    response = client.get(LINK, query, follow=True)
    assert response.redirect_chain[0][1] == 302 and response.status_code == 200
    body = response.content.decode()
    assert 'HIDDEN-DEVICE' not in body and 'SECRET-ATTACHMENT' not in body


#
# Their related name, in templates
#


def test_attachment_assignments_is_a_read_only_alias_outside_requests():
    attachment = make_attachment()
    links = [link(attachment, make_site()), link(attachment, make_device())]
    assert list(attachment.attachment_assignments.order_by('pk')) == links
    assert attachment.attachment_assignments.count() == 2
    # A property over a queryset: none of the related manager's writes (add, set, remove), and no setter.
    assert not any(hasattr(attachment.attachment_assignments, name) for name in ('add', 'set', 'remove'))
    with pytest.raises(AttributeError):
        attachment.attachment_assignments = []


def test_export_templates_using_their_related_name_list_only_visible_links(client):
    attachment = make_attachment(name='Manual')
    site_link, _ = link(attachment, make_site()), link(attachment, make_device())
    template = ExportTemplate.objects.create(
        name='Their links',
        template_code='{% for a in queryset %}{{ a.name }}:'
        '{% for l in a.attachment_assignments.all() %}{{ l.object_type.model }}#{{ l.pk }} {% endfor %}{% endfor %}',
    )
    template.object_types.set([ObjectType.objects.get(app_label='netbox_attachments', model='netboxattachment')])
    export = '/plugins/netbox-attachments/netbox-attachments/?export=Their+links'

    login(
        client,
        *VIEW_ALL,
        'extras.view_exporttemplate',
        constraints={'netbox_attachments.netboxattachmentassignment': {'object_type__model': 'site'}},
    )
    assert client.get(export).content.decode().strip() == f'Manual:site#{site_link.pk}'
    login(client, *VIEW_ALL, 'extras.view_exporttemplate')
    assert client.get(export).content.decode().count('#') == 2
