"""No page, export, confirmation, tab or filter tells a reader the name of an object or attachment it may not view,
nor which hidden objects an attachment is linked to."""

import pytest
from core.models import ObjectType
from dcim.models import Device
from extras.choices import CustomFieldTypeChoices
from extras.models import CustomField, JournalEntry

from netbox_attachments.models import NetBoxAttachment

from .factories import VIEW_ALL, link, make_attachment, make_device, make_site, make_user
from .helpers import API_ASSIGNMENTS, API_ATTACHMENTS, ASSIGNMENT_LIST, ATTACHMENT_LIST, body, login, text, url

pytestmark = pytest.mark.django_db

ONLY_VISIBLE_DEVICE = {'dcim.device': {'name': 'open-router'}}


@pytest.fixture
def linked():
    """An attachment linked to a site, a device the reader may view and one it may not."""
    attachment = make_attachment(name='Rack plan')
    site = make_site(name='Open site')
    open_device = make_device(name='open-router', site=site)
    hidden_device = make_device(name='HIDDEN-ROUTER', site=site)
    return {
        'attachment': attachment,
        'site': site,
        'open': open_device,
        'hidden': hidden_device,
        'links': [link(attachment, site), link(attachment, open_device), link(attachment, hidden_device)],
    }


def reader(client, *extra, constraints=None):
    """A user who may view attachments, links, sites and devices, under the given constraints."""
    return login(client, *VIEW_ALL, *extra, constraints=constraints)


@pytest.mark.parametrize('export', ['', 'table'])
@pytest.mark.parametrize('listing', [ATTACHMENT_LIST, ASSIGNMENT_LIST])
def test_exports_do_not_name_objects_the_reader_may_not_view(client, linked, listing, export):
    reader(client, constraints=ONLY_VISIBLE_DEVICE)
    response = client.get(f'{listing}?export={export}')
    assert response.status_code == 200
    body = text(response)
    assert 'open-router' in body  # the export does name what the reader may view
    assert 'HIDDEN-ROUTER' not in body


@pytest.mark.parametrize(
    'view, perm',
    [
        ('netboxattachment_bulk_edit', 'netbox_attachments.change_netboxattachment'),
        ('netboxattachment_bulk_delete', 'netbox_attachments.delete_netboxattachment'),
        ('netboxattachmentassignment_bulk_edit', 'netbox_attachments.change_netboxattachmentassignment'),
        ('netboxattachmentassignment_bulk_delete', 'netbox_attachments.delete_netboxattachmentassignment'),
    ],
)
def test_bulk_confirmation_pages_do_not_name_hidden_objects(client, linked, view, perm):
    reader(client, perm, constraints=ONLY_VISIBLE_DEVICE)
    pks = [linked['attachment'].pk] if 'assignment' not in view else [a.pk for a in linked['links']]
    response = client.post(url(view), {'pk': pks, 'return_url': '/'})
    assert response.status_code == 200
    body = text(response)
    assert 'Rack plan' in body
    assert 'HIDDEN-ROUTER' not in body


@pytest.mark.parametrize('page', ['', 'changelog/', 'journal/', 'edit/', 'delete/'])
def test_pages_of_an_assignment_are_hidden_with_its_attachment(client, linked, page):
    assignment = linked['links'][0]
    JournalEntry.objects.create(assigned_object=assignment, comments='note')
    reader(
        client,
        'extras.view_journalentry',
        'netbox_attachments.change_netboxattachmentassignment',
        'netbox_attachments.delete_netboxattachmentassignment',
        constraints={'netbox_attachments.netboxattachment': {'pk': 0}},
    )
    response = client.get(f'{assignment.get_absolute_url()}{page}')
    assert response.status_code == 404
    assert 'Rack plan' not in text(response)


def test_assignment_lists_leave_out_the_links_of_hidden_attachments(client, linked):
    link(make_attachment(name='SECRET-PLAN'), linked['site'])
    reader(client, constraints={'netbox_attachments.netboxattachment': {'name': 'Rack plan'}})
    page = text(client.get(ASSIGNMENT_LIST))
    assert 'Rack plan' in page and 'SECRET-PLAN' not in page
    rows = client.get(API_ASSIGNMENTS).json()['results']
    assert sorted(row['id'] for row in rows) == sorted(assignment.pk for assignment in linked['links'])


def test_tabs_of_an_assignment_show_for_readers_of_its_attachment(client, linked):
    reader(client)
    assert client.get(f'{linked["links"][0].get_absolute_url()}changelog/').status_code == 200


def device_filter(obj):
    return f'object_type_id={ObjectType.objects.get_for_model(Device).pk}&object_id={obj.pk}'


@pytest.mark.parametrize('api', [False, True])
def test_filters_do_not_tell_which_hidden_devices_an_attachment_is_linked_to(client, linked, api):
    reader(client, constraints=ONLY_VISIBLE_DEVICE)
    base = API_ATTACHMENTS if api else ATTACHMENT_LIST
    hidden = text(client.get(f'{base}?{device_filter(linked["hidden"])}'))
    visible = text(client.get(f'{base}?{device_filter(linked["open"])}'))
    assert 'Rack plan' in visible
    assert 'Rack plan' not in hidden


def test_filters_do_not_tell_links_the_reader_may_not_view(client, linked):
    reader(client, constraints={'netbox_attachments.netboxattachmentassignment': {'object_type__model': 'site'}})
    assert client.get(f'{API_ATTACHMENTS}?object_type=dcim.device').json()['count'] == 0
    assert client.get(f'{API_ATTACHMENTS}?{device_filter(linked["open"])}').json()['count'] == 0
    assert client.get(f'{API_ATTACHMENTS}?object_type=dcim.site').json()['count'] == 1


def test_the_assignment_filter_form_does_not_print_a_hidden_attachment_name(client, linked):
    secret = make_attachment(name='SECRET-PLAN')
    link(secret, linked['site'])
    reader(client, constraints={'netbox_attachments.netboxattachment': {'name': 'Rack plan'}})
    body = text(client.get(f'{ASSIGNMENT_LIST}?attachment_id={secret.pk}'))
    assert 'SECRET-PLAN' not in body


def test_the_link_form_does_not_print_a_hidden_attachment_name(client, linked):
    secret = make_attachment(name='SECRET-PLAN')
    reader(
        client,
        'netbox_attachments.add_netboxattachmentassignment',
        constraints={'netbox_attachments.netboxattachment': {'name': 'Rack plan'}},
    )
    body = text(client.get(f'{url("netboxattachmentassignment_add")}?attachment={secret.pk}'))
    assert 'SECRET-PLAN' not in body


WITHOUT_VIEW = (
    'netbox_attachments.add_netboxattachment',
    'netbox_attachments.change_netboxattachment',
    'netbox_attachments.delete_netboxattachment',
)


@pytest.mark.parametrize('view', ['netboxattachment_edit', 'netboxattachment_delete'])
def test_change_or_delete_without_view_shows_no_attachment_page(client, linked, view):
    """NetBox would open these pages, with the attachment's name and file, to a user who may not view it."""
    login(client, *WITHOUT_VIEW)
    response = client.get(url(view, pk=linked['attachment'].pk))
    assert response.status_code == 404
    assert 'Rack plan' not in text(response)


@pytest.mark.parametrize('view', ['netboxattachment_bulk_edit', 'netboxattachment_bulk_delete'])
def test_bulk_pages_without_view_name_no_attachment(client, linked, view):
    login(client, *WITHOUT_VIEW)
    response = client.post(url(view), {'pk': [linked['attachment'].pk], 'return_url': '/'})
    assert 'Rack plan' not in text(response)


def test_change_with_view_still_opens_the_edit_page(client, linked):
    login(client, *WITHOUT_VIEW, 'netbox_attachments.view_netboxattachment')
    assert client.get(url('netboxattachment_edit', pk=linked['attachment'].pk)).status_code == 200


@pytest.mark.parametrize(
    'endpoint, body',
    [
        ('/api/extras/bookmarks/', {}),
        ('/api/extras/subscriptions/', {}),
        ('/api/extras/journal-entries/', {'kind': 'info', 'comments': 'probe'}),
    ],
)
def test_bookmarks_subscriptions_and_journal_entries_cannot_point_at_hidden_attachments(client, endpoint, body):
    """NetBox lets any user bookmark or subscribe to any object by ID, and answers with the object's name."""
    secret = make_attachment(name='SECRET-PLAN')
    user = make_user(None, 'dcim.view_site', 'extras.add_journalentry', 'extras.view_journalentry')
    client.force_login(user)
    fields = (
        {'assigned_object_type': 'netbox_attachments.netboxattachment', 'assigned_object_id': secret.pk}
        if 'journal' in endpoint
        else {'object_type': 'netbox_attachments.netboxattachment', 'object_id': secret.pk, 'user': user.pk}
    )
    response = client.post(endpoint, {**fields, **body}, content_type='application/json')
    assert response.status_code == 400
    assert 'SECRET-PLAN' not in text(response)


def test_bookmarks_of_viewable_attachments_still_work(client):
    attachment = make_attachment(name='Open plan')
    user = make_user(None, 'netbox_attachments.view_netboxattachment')
    client.force_login(user)
    response = client.post(
        '/api/extras/bookmarks/',
        {'object_type': 'netbox_attachments.netboxattachment', 'object_id': attachment.pk, 'user': user.pk},
        content_type='application/json',
    )
    assert response.status_code == 201


def test_lists_confirmations_and_api_answers_name_only_links_the_reader_may_view(client, linked):
    reader(
        client,
        'netbox_attachments.delete_netboxattachment',
        'netbox_attachments.change_netboxattachment',
        constraints={'netbox_attachments.netboxattachmentassignment': {'object_type__model': 'site'}},
    )
    attachment = linked['attachment']
    listing = text(client.get(ATTACHMENT_LIST))  # the "assigned to" column
    assert 'Open site' in listing
    assert 'open-router' not in listing and 'dcim &gt; device' not in listing
    body = text(client.post(url('netboxattachment_bulk_delete'), {'pk': [attachment.pk], 'return_url': '/'}))
    assert 'Open site' in body and 'open-router' not in body
    response = client.patch(
        f'{API_ATTACHMENTS}{attachment.pk}/',
        {'description': 'changed'},
        content_type='application/json',
    )
    assert [link['object_type'] for link in response.json()['assignments']] == ['dcim.site']


#
# File URLs in brief attachments, which NetBox hands to readers who may not view the attachment
#


def brief_via_site_custom_field(client, attachment):
    """A site's object-type custom field points at the attachment; the reader may view sites, not attachments."""
    field = CustomField.objects.create(
        name='manual',
        type=CustomFieldTypeChoices.TYPE_OBJECT,
        related_object_type=ObjectType.objects.get_for_model(NetBoxAttachment),
    )
    field.object_types.add(ObjectType.objects.get(app_label='dcim', model='site'))
    site = make_site(name='Open site')
    site.custom_field_data['manual'] = attachment.pk
    site.save()
    login(client, 'dcim.view_site')
    return client.get(f'/api/dcim/sites/{site.pk}/').json()['custom_fields']['manual']


def brief_via_journal_entry(client, attachment):
    """A journal entry on the attachment, read by a user who may view journal entries, not attachments."""
    JournalEntry.objects.create(assigned_object=attachment, comments='note')
    login(client, 'extras.view_journalentry')
    return client.get('/api/extras/journal-entries/').json()['results'][0]['assigned_object']


@pytest.mark.parametrize('route', [brief_via_site_custom_field, brief_via_journal_entry])
def test_a_brief_attachments_file_url_serves_nobody_who_may_not_view_it(client, s3_storage, route):
    """On S3 the storage's URL is a presigned link that serves anyone holding it (found by review); `file` is the
    guarded /media/ URL on every storage, which serves the file from the bucket to viewers only."""
    secret = make_attachment(name='Secret plan', filename='secret.txt', content=b'secret bytes')
    brief = route(client, secret)
    assert brief['id'] == secret.pk  # NetBox nests the brief attachment there (its name: NetBox's own choice)
    assert brief['file'] == f'http://testserver/media/{secret.file.name}'
    assert client.get(brief['file']).status_code == 404
    login(client, 'netbox_attachments.view_netboxattachment')
    assert body(client.get(brief['file'])) == b'secret bytes'
