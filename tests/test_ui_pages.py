"""The server pages built on NetBox's UI parts (netbox_attachments/ui.py): the detail pages' layouts, an object's tab
and panel (NetBox's embedded assignment list, with one fallback without JavaScript) and the unlink page."""

import re
from html import unescape
from urllib.parse import unquote

import pytest
from core.models import ObjectType
from dcim.models import Device
from django.db import connection
from django.test.utils import CaptureQueriesContext
from extras.models import CustomField, Tag
from users.models import Owner

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import VIEW_ALL, broken_object_type, link, make_attachment, make_device, make_site
from .helpers import ASSIGNMENT_LIST, PANEL, embedded_url, login, panel_url, url

pytestmark = pytest.mark.django_db

HTMX = {'HX-Request': 'true'}
LINK = 'netbox_attachments.add_netboxattachmentassignment'


def page(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return response.content.decode()


def without_scripts(html):
    """The page's words, not the widget's configuration (a script element) that names every capability."""
    return re.sub(r'<script\b.*?</script>', '', html, flags=re.S)


#
# The attachment's page
#


def test_the_attachment_page_shows_every_field_panel_and_the_download_button(admin_client):
    custom_field = CustomField.objects.create(name='contract_ref', label='Contract ref', type='text')
    custom_field.object_types.set([ObjectType.objects.get_for_model(NetBoxAttachment)])
    attachment = make_attachment(
        filename='guide.pdf',
        content=b'x' * 2048,
        name='Rack guide',
        description='How to rack it',
        comments='**Read first**',
        owner=Owner.objects.create(name='NOC'),
        custom_field_data={'contract_ref': 'C-42'},
    )
    attachment.tags.add(Tag.objects.create(name='Manuals', slug='manuals'))
    html = page(admin_client, attachment.get_absolute_url())
    download = url('netboxattachment_download', pk=attachment.pk)

    for text in ('Rack guide', 'How to rack it', 'application/pdf', attachment.sha256, 'NOC', 'Manuals', 'C-42'):
        assert text in html, text
    assert f'<a href="{download}">{attachment.filename}</a>' in html
    assert '2.0\xa0KB (2048 bytes)' in html
    assert '<strong>Read first</strong>' in html  # comments, as NetBox renders Markdown
    assert re.search(rf'<a href="{download}" class="btn btn-primary"[^>]*>\s*<i[^>]*></i> Download', html)
    # NetBox's layout: the attributes panel, its tags, custom fields and comments panels, the links table.
    for panel in ('AttachmentPanel', 'TagsPanel', 'CustomFieldsPanel', 'CommentsPanel', 'LinkedObjectsPanel'):
        assert f'<!-- begin {panel} -->' in html, panel


def test_the_attachment_page_lists_its_links_naming_only_objects_the_reader_may_view(client):
    attachment = make_attachment(name='Floor plan')
    visible, hidden = make_site(name='Visible HQ'), make_site(name='Hidden HQ')
    link(attachment, visible)
    link(attachment, hidden)
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'Visible HQ'}})
    html = page(client, attachment.get_absolute_url())
    assert 'Linked to 2 objects' in html
    assert 'Visible HQ' in html and 'Hidden HQ' not in html
    assert f'dcim &gt; site #{hidden.pk}' in html


def test_the_link_action_follows_the_link_capability(client):
    attachment = make_attachment()
    link(attachment, make_site())
    login(client, *VIEW_ALL)
    assert 'Link to an object' not in page(client, attachment.get_absolute_url())
    login(client, *VIEW_ALL, LINK)
    html = page(client, attachment.get_absolute_url())
    add = unquote(unescape(re.search(r'href="([^"]*)"[^>]*>\s*<i[^>]*></i>\s*Link to an object', html).group(1)))
    assert add.startswith(url('netboxattachmentassignment_add'))
    assert f'attachment={attachment.pk}' in add and f'return_url={attachment.get_absolute_url()}' in add


def test_an_attachment_without_links_says_so(admin_client):
    html = page(admin_client, make_attachment().get_absolute_url())
    assert 'Linked to 0 objects' in html and 'This attachment is not linked to any object.' in html


def test_the_attachment_page_does_not_grow_with_its_links(admin_client):
    attachment = make_attachment()
    link(attachment, make_site())
    link(attachment, make_device())
    admin_client.get(attachment.get_absolute_url())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(admin_client, attachment.get_absolute_url())
        return len(captured)

    few = queries()
    for _ in range(5):
        link(attachment, make_site())
        link(attachment, make_device())
    assert queries() == few


#
# The assignment's page
#


def test_the_assignment_page_names_a_visible_object_with_a_link(admin_client):
    site = make_site(name='Prague POP')
    assignment = link(make_attachment(name='Lease'), site)
    html = page(admin_client, assignment.get_absolute_url())
    assert f'href="{assignment.attachment.get_absolute_url()}"' in html and 'dcim &gt; site' in html
    assert f'<a href="{site.get_absolute_url()}">Prague POP</a>' in html
    for panel in ('AssignmentPanel', 'TagsPanel'):
        assert f'<!-- begin {panel} -->' in html, panel


def test_the_assignment_page_reads_a_hidden_or_broken_object_as_its_label(client):
    hidden = make_site(name='Hidden HQ')
    assignment = link(make_attachment(), hidden)
    broken = NetBoxAttachmentAssignment.objects.create(
        attachment=assignment.attachment, object_type=broken_object_type(), object_id=7
    )
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'Other'}})
    html = page(client, assignment.get_absolute_url())
    assert 'Hidden HQ' not in html and f'dcim &gt; site #{hidden.pk}' in html
    html = page(client, broken.get_absolute_url())
    assert 'removed_plugin &gt; gadget #7 (broken: this object type no longer exists)' in html


#
# An object's tab and panel: NetBox's embedded assignment list, and one fallback without JavaScript
#


def fallback(html):
    """The link of the panel's <noscript>, the fallback of the tab and every panel."""
    noscript = re.search(r'<noscript>(.*?)</noscript>', html, re.S).group(1)
    return unescape(re.search(r'href="([^"]+)"', noscript).group(1))


def test_the_tab_and_the_panel_render_the_same_panel_and_fallback(admin_client, plugin_settings):
    site = make_site()
    link(make_attachment(name='Site survey'), site)
    tab = page(admin_client, f'{site.get_absolute_url()}attachments/')
    with plugin_settings(display_default='right_page'):
        panel = page(admin_client, site.get_absolute_url())
    type_id = ObjectType.objects.get_for_model(site).pk
    object_list = f'{url("netboxattachmentassignment_list")}?object_type_id={type_id}&object_id={site.pk}'
    for html, return_url in ((tab, f'{site.get_absolute_url()}attachments/'), (panel, site.get_absolute_url())):
        assert '<!-- begin ObjectAttachmentsPanel -->' in html
        table = unescape(
            re.search(r'hx-get="([^"]*netbox-attachment-assignments/\?embedded=True[^"]*)"', html).group(1)
        )
        assert f'return_url={return_url}' in unquote(table)
        assert table.startswith(f'{url("netboxattachmentassignment_list")}?embedded=True&')
        assert f'object_type_id={type_id}&object_id={site.pk}' in table
        assert 'Site survey' in page(admin_client, table, headers=HTMX)
        # Without JavaScript: the same list, on a page of its own.
        assert fallback(html) == object_list
        assert 'Site survey' in page(admin_client, fallback(html))


def test_the_tab_marks_its_mount_point_for_the_widget(admin_client):
    device = make_device()
    html = page(admin_client, f'/dcim/devices/{device.pk}/attachments/')
    mount = r'<div id="netbox-attachments-tab" data-netbox-attachments-widget="[^"]+" data-placement="tab">'
    assert re.search(mount, html)


def test_the_panel_buttons_follow_the_capabilities(client, plugin_settings):
    site = make_site()
    login(client, *VIEW_ALL)
    with plugin_settings(display_default='right_page'):
        html = without_scripts(page(client, site.get_absolute_url()))
    assert 'id="netbox-attachments-panel"' in html
    assert 'Add Attachment' not in html and 'Link Existing' not in html
    login(client, *VIEW_ALL, LINK)
    with plugin_settings(display_default='right_page'):
        html = without_scripts(page(client, site.get_absolute_url()))
    assert 'Link Existing' in html and 'Add Attachment' not in html


def test_the_embedded_table_has_the_object_pages_columns_and_names_no_object(client):
    device = make_device(name='SECRET-DEVICE')
    attachment = make_attachment(name='Rack manual', description='Mounting', filename='manual.pdf', content=b'x' * 10)
    assignment = link(attachment, device)
    link(attachment, make_site())
    login(client, *VIEW_ALL, 'netbox_attachments.delete_netboxattachmentassignment')
    html = page(client, f'{embedded_url(device)}&return_url=/dcim/devices/{device.pk}/attachments/', headers=HTMX)
    assert '<html' not in html  # only the table
    headers = [unescape(re.sub(r'<[^>]+>', '', th)).strip() for th in re.findall(r'<th\b.*?</th>', html, re.S)]
    assert headers == ['Attachment', 'Description', 'File', 'Size', 'Links', '']
    for text in ('Rack manual', 'Mounting', 'manual.pdf', '10\xa0bytes', f'Download {attachment.name}'):
        assert text in html, text
    assert f'href="{attachment.get_absolute_url()}">2</a>' in html
    assert 'SECRET-DEVICE' not in html and 'type="checkbox"' not in html
    # Unlinking comes back to the page the table is embedded in.
    delete = url('netboxattachmentassignment_delete', pk=assignment.pk)
    assert f'href="{delete}?return_url=/dcim/devices/{device.pk}/attachments/"' in html


def test_the_embedded_table_offers_unlink_only_with_the_capability(client):
    device = make_device()
    link(make_attachment(name='Rack manual'), device)
    login(client, *VIEW_ALL)
    table = page(client, embedded_url(device), headers=HTMX)
    assert 'Rack manual' in table and 'Unlink' not in table


def test_the_embedded_table_shows_only_links_whose_attachment_the_reader_may_view(client):
    device = make_device()
    link(make_attachment(name='Visible manual'), device)
    link(make_attachment(name='Secret contract'), device)
    login(client, *VIEW_ALL, constraints={'netbox_attachments.netboxattachment': {'name__startswith': 'Visible'}})
    html = page(client, embedded_url(device), headers=HTMX)
    assert 'Visible manual' in html and 'Secret contract' not in html


@pytest.mark.parametrize(
    'query',
    [
        'object_type_id={type}',  # no object
        'object_id={pk}',  # no type
        'object_type_id={type}&object_type_id={type}&object_id={pk}',  # more than one object
        'object_type_id={type}&object_id={pk}&object_id={other}',
        'object_type_id=x&object_id={pk}',
        'object_type_id=999999&object_id={pk}',
        'object_type_id={type}&object_id=999999',  # no such object
        'object_type_id={broken}&object_id=1',  # no model
        'object_type_id={owner}&object_id={owner_pk}',  # not an object that may have attachments
    ],
)
def test_the_embedded_table_answers_404_unless_it_names_one_object_that_may_have_attachments(admin_client, query):
    device, other, owner = make_device(), make_device(), Owner.objects.create(name='NOC')
    query = query.format(
        type=ObjectType.objects.get_for_model(device).pk,
        pk=device.pk,
        other=other.pk,
        broken=broken_object_type().pk,
        owner=ObjectType.objects.get_for_model(owner).pk,
        owner_pk=owner.pk,
    )
    path = f'{url("netboxattachmentassignment_list")}?embedded=True&{query}'
    assert admin_client.get(path, headers=HTMX).status_code == 404
    assert admin_client.get(f'{PANEL}?{query}').status_code == 404


def test_the_embedded_table_answers_404_for_an_object_the_reader_may_not_view(client):
    hidden = make_device(name='HIDDEN')
    link(make_attachment(name='Secret'), hidden)
    login(client, *VIEW_ALL, constraints={'dcim.device': {'name': 'visible'}})
    for path in (embedded_url(hidden), panel_url(hidden)):
        response = client.get(path, headers=HTMX)
        assert response.status_code == 404
        assert b'Secret' not in response.content and b'HIDDEN' not in response.content


@pytest.mark.parametrize('base', [f'{ASSIGNMENT_LIST}?embedded=True&', f'{PANEL}?'])
@pytest.mark.parametrize('spelling', ['%2B{}', '0{}', '%20{}'])
def test_the_embedded_table_lists_the_object_it_checked_whatever_the_spelling_of_its_type(client, base, spelling):
    """The object checked for view permission is the one whose rows are listed: an object type ID that int() reads
    but the filter set refuses ('+12', '012', ' 12') once dropped the type filter, and the device's table listed
    the attachments of a hidden site with the same ID."""
    device = make_device(name='open-dev')
    site = make_site(name='HIDDEN-SITE')
    Device.objects.filter(pk=device.pk).update(id=site.pk)  # the device and the hidden site share an ID
    device = Device.objects.get(pk=site.pk)
    link(make_attachment(name='Device manual'), device)
    link(make_attachment(name='Site-only contract'), site)
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'nothing'}, 'dcim.device': {'name': 'open-dev'}})
    device_type = spelling.format(ObjectType.objects.get_for_model(device).pk)
    response = client.get(f'{base}object_type_id={device_type}&object_id={device.pk}', headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'Device manual' in html
    assert 'Site-only contract' not in html and 'HIDDEN-SITE' not in html


def test_the_embedded_table_answers_404_to_users_who_may_not_view_assignments(client):
    device = make_device()
    login(client, 'dcim.view_device', 'netbox_attachments.view_netboxattachment')
    for path in (embedded_url(device), panel_url(device)):
        assert client.get(path, headers=HTMX).status_code == 404
    # The assignment list itself answers as NetBox's lists do.
    assert client.get(url('netboxattachmentassignment_list')).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page_from_the_embedded_table(client):
    device = make_device()
    response = client.get(embedded_url(device), headers=HTMX)
    assert response.status_code == 302 and '/login/' in response['Location']


def test_the_list_filtered_by_an_object_without_embedding_stays_the_assignment_list(admin_client):
    device = make_device(name='core-router')
    link(make_attachment(name='Manual'), device)
    type_id = ObjectType.objects.get_for_model(device).pk
    html = page(admin_client, f'{ASSIGNMENT_LIST}?object_type_id={type_id}&object_id={device.pk}')
    assert 'Manual' in html and 'core-router' in html  # its Object column


def test_the_old_panel_url_answers_with_the_embedded_table(admin_client):
    device, other = make_device(), make_device()
    link(make_attachment(name='Mine'), device)
    link(make_attachment(name='Theirs'), other)
    html = page(admin_client, panel_url(device), headers=HTMX)
    assert 'Mine' in html and 'Theirs' not in html and '<html' not in html
    # Sorting and paging go on from NetBox's embedded list.
    assert re.search(r'hx-get="[^"]*netbox-attachment-assignments/\?[^"]*embedded=True', html)


def test_the_embedded_table_does_not_grow_with_rows(admin_client):
    device = make_device()
    for _ in range(2):
        link(make_attachment(), device)
    admin_client.get(embedded_url(device), headers=HTMX)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(admin_client, embedded_url(device), headers=HTMX)
        return len(captured)

    few = queries()
    for _ in range(10):
        link(make_attachment(), device)
    assert queries() == few


#
# Unlink
#


def test_the_unlink_page_is_netboxs_delete_confirmation_with_what_unlinking_leaves(admin_client):
    attachment = make_attachment(name='Plan')
    assignment = link(attachment, make_site())
    link(attachment, make_device())
    html = page(admin_client, f'{url("netboxattachmentassignment_delete", pk=assignment.pk)}?return_url=/dcim/sites/')
    assert 'Unlink attachment?' in html
    assert 'It stays linked to 1 other object.' in html and 'The file is kept.' in html
    # NetBox's own form (htmx/delete_form.html), asking about the link.
    assert 'Confirm Deletion' in html and 'delete</strong> the link <strong>Plan' in html
    assert 'href="/dcim/sites/"' in html  # Cancel


def test_the_assignments_delete_modal_asks_about_the_link(admin_client):
    assignment = link(make_attachment(name='Plan'), make_site())
    html = page(admin_client, url('netboxattachmentassignment_delete', pk=assignment.pk), headers=HTMX)
    assert 'delete</strong> the link <strong>Plan' in html
