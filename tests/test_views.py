"""The NetBox UI: every view under NetBox's object permissions, forms, filters and confirmations."""

import os
import re
import time
from html import unescape

import pytest
from circuits.models import Circuit, CircuitType, Provider
from core.models import ObjectType
from django.core.files.uploadedfile import SimpleUploadedFile
from tenancy.models import Tenant

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import (
    VIEW_ALL,
    broken_object_type,
    link,
    make_attachment,
    make_device,
    make_site,
    stored_file,
)
from .helpers import ASSIGNMENT_LIST, ATTACHMENT_LIST, PANEL, embedded_url, login, panel_url, url

pytestmark = pytest.mark.django_db

#
# Permissions
#


def test_users_without_permission_get_no_file_tab_panel_or_form(client):
    """The plugin's own pages; NetBox's generic ones (lists, details, edit and delete forms) are tested for every
    model by NetBox's test cases in test_generic_views.py."""
    attachment = make_attachment()
    device = make_device()
    link(attachment, device)
    login(client, 'dcim.view_device')
    assert client.get(url('netboxattachment_download', pk=attachment.pk)).status_code == 404
    assert client.get(panel_url(device)).status_code == 404
    assert client.get(f'/dcim/devices/{device.pk}/attachments/').status_code == 404
    assert client.get(url('netboxattachment_manager')).status_code == 403
    assert client.get(url('netboxattachment_add')).status_code == 403


def test_constrained_view_permission_hides_other_attachments_everywhere(client):
    device = make_device()
    visible = make_attachment(name='Visible manual')
    hidden = make_attachment(name='Secret contract')
    link(visible, device)
    link(hidden, device)
    login(client, *VIEW_ALL, constraints={'netbox_attachments.netboxattachment': {'name__startswith': 'Visible'}})

    listing = client.get(ATTACHMENT_LIST).content.decode()
    assert 'Visible manual' in listing and 'Secret contract' not in listing
    assert client.get(visible.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(url('netboxattachment_download', pk=visible.pk)).status_code == 200
    assert client.get(url('netboxattachment_download', pk=hidden.pk)).status_code == 404

    tab = client.get(embedded_url(device)).content.decode()  # the table of the tab and the panel
    panel = client.get(panel_url(device)).content.decode()
    for html in (tab, panel):
        assert 'Visible manual' in html and 'Secret contract' not in html
    device_page = client.get(device.get_absolute_url()).content.decode()
    assert 'Attachments' in device_page and '>1</span>' in device_page.split('/attachments/')[1][:400]


def test_objects_the_user_may_not_view_have_no_attachment_tab_or_panel(client):
    hidden_site = make_site(name='Hidden')
    link(make_attachment(), hidden_site)
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'Other'}})
    assert client.get(f'/dcim/sites/{hidden_site.pk}/attachments/').status_code == 404
    assert client.get(panel_url(hidden_site)).status_code == 404
    assert client.get(embedded_url(hidden_site)).status_code == 404


def test_list_shows_linked_objects_the_user_may_not_view_only_as_a_label(client):
    attachment = make_attachment()
    hidden_site = make_site(name='Hidden HQ')
    link(attachment, hidden_site)
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name': 'Other'}})
    listing = client.get(ATTACHMENT_LIST).content.decode()
    assert 'Hidden HQ' not in listing
    assert f'dcim &gt; site #{hidden_site.pk}' in listing


def test_view_only_users_see_no_write_controls(client):
    device = make_device()
    link(make_attachment(), device)
    login(client, *VIEW_ALL)
    tab = f'/dcim/devices/{device.pk}/attachments/'
    for path in (tab, embedded_url(device), panel_url(device)):
        # The page's words, not the widget's configuration (a script element) that names every action.
        html = re.sub(r'<script\b.*?</script>', '', client.get(path).content.decode(), flags=re.S)
        assert 'Download' in html or path == tab  # the tab's rows are in its embedded table
        assert 'Unlink' not in html and 'Add Attachment' not in html and 'Link Existing' not in html


def test_users_with_write_permissions_see_the_controls(client, plugin_settings):
    device = make_device()
    link(make_attachment(), device)
    login(
        client,
        *VIEW_ALL,
        'netbox_attachments.add_netboxattachment',
        'netbox_attachments.add_netboxattachmentassignment',
        'netbox_attachments.delete_netboxattachmentassignment',
    )
    tab = client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode()
    assert 'Add Attachment' in tab and 'Link Existing' in tab
    assert 'Unlink' in client.get(embedded_url(device)).content.decode()
    with plugin_settings(display_default='right_page'):
        page = client.get(device.get_absolute_url()).content.decode()
    assert 'netbox-attachments-panel' in page and 'Link Existing' in page


#
# Object pages
#


def test_object_tab_lists_the_objects_attachments_with_their_links_count(admin_client):
    device, other = make_device(), make_device()
    shared = make_attachment(name='Shared guide')
    only_here = make_attachment(name='Only here')
    elsewhere = make_attachment(name='Elsewhere')
    link(shared, device)
    link(shared, other)
    link(shared, make_site())
    link(only_here, device)
    link(elsewhere, other)
    html = admin_client.get(embedded_url(device)).content.decode()
    assert 'Shared guide' in html and 'Only here' in html and 'Elsewhere' not in html
    for column in ('Attachment', 'Description', 'File', 'Size', 'Links'):
        assert column in html
    assert f'href="{shared.get_absolute_url()}">3</a>' in html
    assert f'href="{only_here.get_absolute_url()}">1</a>' in html


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
    assert 'Tab doc' in admin_client.get(embedded_url(obj)).content.decode()


def test_panel_endpoint_filters_by_object(admin_client):
    device, other = make_device(), make_device()
    link(make_attachment(name='Mine'), device)
    link(make_attachment(name='Theirs'), other)
    html = admin_client.get(panel_url(device)).content.decode()
    assert 'Mine' in html and 'Theirs' not in html


def test_the_panel_points_browsers_without_javascript_to_the_objects_attachment_list(admin_client, plugin_settings):
    device, other = make_device(), make_device()
    link(make_attachment(name='Mine'), device)
    link(make_attachment(name='Theirs'), other)
    with plugin_settings(display_default='right_page'):
        page = admin_client.get(device.get_absolute_url()).content.decode()
    noscript = re.search(r'<noscript>(.*?)</noscript>', page[page.index('netbox-attachments-panel') :], re.S).group(1)
    href = unescape(re.search(r'href="([^"]+)"', noscript).group(1))
    listed = admin_client.get(href).content.decode()
    assert 'Mine' in listed and 'Theirs' not in listed


@pytest.mark.parametrize(
    'query', ['', '?object_type_id=1', '?object_type_id=x&object_id=1', '?object_type_id=999999&object_id=1']
)
def test_panel_endpoint_refuses_incomplete_queries(admin_client, query):
    assert admin_client.get(PANEL + query).status_code == 404


def test_panel_url_name_is_kept_for_compatibility():
    assert url('netboxattachment_panel_list') == PANEL


#
# Attachments: list, detail, add, edit, delete, import
#


def test_list_filters_and_highlights_unassigned_attachments(admin_client):
    linked = make_attachment(name='Linked one')
    link(linked, make_site())
    make_attachment(name='Lonely one')
    broken = make_attachment(name='Broken one')
    NetBoxAttachmentAssignment.objects.create(attachment=broken, object_type=broken_object_type(), object_id=1)

    def names(query):
        html = admin_client.get(ATTACHMENT_LIST + query).content.decode()
        return {name for name in ('Linked one', 'Lonely one', 'Broken one') if name in html}

    assert names('?has_assignments=false') == {'Lonely one'}
    assert names('?has_assignments=true') == {'Linked one', 'Broken one'}
    assert names('?has_broken_assignments=true') == {'Broken one'}
    assert names('?has_broken_assignments=false') == {'Linked one', 'Lonely one'}
    assert names('?q=lonely') == {'Lonely one'}
    html = admin_client.get(ATTACHMENT_LIST).content.decode()
    lonely_row = html[: html.index('Lonely one')].rsplit('<tr', 1)[1]
    assert 'table-danger' in lonely_row
    linked_row = html[: html.index('Linked one')].rsplit('<tr', 1)[1]
    assert 'table-danger' not in linked_row


def test_list_search_matches_file_names(admin_client):
    make_attachment(name='Manual', filename='mx204-guide.pdf')
    assert 'Manual' in admin_client.get(ATTACHMENT_LIST + '?q=mx204').content.decode()


def test_list_filters_by_linked_object_type(admin_client):
    from dcim.models import Device

    link(make_attachment(name='On a device'), make_device())
    link(make_attachment(name='On a site'), make_site())
    device_type = ObjectType.objects.get_for_model(Device)
    html = admin_client.get(f'{ATTACHMENT_LIST}?object_type_id={device_type.pk}').content.decode()
    assert 'On a device' in html and 'On a site' not in html


def test_detail_page_shows_file_size_and_links(admin_client):
    attachment = make_attachment(name='Guide', filename='guide.txt', content=b'x' * 2048)
    site = make_site(name='Amsterdam')
    link(attachment, site)
    html = admin_client.get(attachment.get_absolute_url()).content.decode()
    assert 'guide.txt' in html and '2048' in html and 'Amsterdam' in html
    assert url('netboxattachment_download', pk=attachment.pk) in html


def test_download_returns_the_bytes_as_an_attachment(admin_client):
    attachment = make_attachment(filename='config.txt', content=b'hostname r1\n')
    response = admin_client.get(url('netboxattachment_download', pk=attachment.pk))
    assert b''.join(response.streaming_content) == b'hostname r1\n'
    assert response['Content-Disposition'].startswith('attachment; filename="config.txt"')
    assert response['Content-Type'] == 'text/plain'
    assert response['X-Content-Type-Options'] == 'nosniff'


def test_add_form_uploads_and_links_to_the_object(admin_client, media_root):
    device = make_device()
    response = admin_client.post(
        url('netboxattachment_add'),
        {
            'file': SimpleUploadedFile('rack photo.png', b'\x89PNG fake'),
            'description': 'front view',
            'link_to_content_type': ObjectType.objects.get_for_model(device).pk,
            'link_to_object_id': device.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    attachment = NetBoxAttachment.objects.get()
    assert attachment.name == 'rack photo.png'
    assert attachment.file.name == 'netbox-attachments/rack_photo.png'
    assert [a.parent for a in attachment.assignments.all()] == [device]
    assert (media_root / attachment.file.name).read_bytes() == b'\x89PNG fake'


@pytest.mark.parametrize(
    'content, message',
    [(None, 'This field is required'), (b'123456', 'larger than the upload limit of 5')],
    ids=['no file', 'over the limit'],
)
def test_add_form_refuses_a_missing_file_or_one_over_the_upload_limit(admin_client, plugin_settings, content, message):
    data = {'name': 'refused'} if content is None else {'file': SimpleUploadedFile('big.txt', content)}
    with plugin_settings(max_upload_size=5):
        response = admin_client.post(url('netboxattachment_add'), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NetBoxAttachment.objects.exists()


def test_add_form_cannot_link_without_the_link_permission(client):
    site = make_site()
    login(client, *VIEW_ALL, 'netbox_attachments.add_netboxattachment')
    assert 'link_to_content_type' not in client.get(url('netboxattachment_add')).content.decode()
    response = client.post(
        url('netboxattachment_add'),
        {
            'file': SimpleUploadedFile('a.txt', b'a'),
            'link_to_content_type': ObjectType.objects.get_for_model(site).pk,
            'link_to_object_id': site.pk,
        },
    )
    assert response.status_code == 302  # the upload itself is allowed: the link fields are ignored
    assert NetBoxAttachment.objects.count() == 1 and not NetBoxAttachmentAssignment.objects.exists()


def test_edit_form_keeps_working_after_the_limit_is_lowered(admin_client, plugin_settings):
    attachment = make_attachment(content=b'123456789')
    with plugin_settings(max_upload_size=5):
        response = admin_client.post(url('netboxattachment_edit', pk=attachment.pk), {'name': 'Renamed'})
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.name == 'Renamed'


def test_delete_page_says_how_many_links_go_with_it(admin_client):
    attachment = make_attachment()
    link(attachment, make_site())
    link(attachment, make_device())
    html = admin_client.get(url('netboxattachment_delete', pk=attachment.pk)).content.decode()
    assert 'its links to 2 objects' in html


def test_bulk_import_adopts_a_file_already_in_storage(admin_client, media_root):
    stored_file(media_root, 'legacy.pdf', b'%PDF legacy')
    response = admin_client.post(
        url('netboxattachment_bulk_import'),
        {'data': 'name,file,description\nLegacy,legacy.pdf,from the file share', 'format': 'csv', 'csv_delimiter': ','},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    attachment = NetBoxAttachment.objects.get(name='Legacy')
    assert attachment.file.name == 'netbox-attachments/legacy.pdf'
    assert attachment.size == len(b'%PDF legacy')


@pytest.mark.parametrize(
    'path',
    [
        '../../etc/passwd',
        'missing.pdf',
        'sub',  # a folder
        # other spellings of a file another record uses
        'netbox-attachments/./report.pdf',
        'netbox-attachments//report.pdf',
        './report.pdf',
    ],
)
def test_bulk_import_refuses_what_it_may_not_adopt(admin_client, media_root, path):
    """A path outside the attachments folder, a missing file, a folder, or a file another record uses."""
    (media_root / 'netbox-attachments' / 'sub').mkdir(parents=True)
    used = make_attachment(filename='report.pdf')
    old = time.time() - 3600  # old enough to be adopted, were it not used
    os.utime(media_root / used.file.name, (old, old))
    response = admin_client.post(
        url('netboxattachment_bulk_import'),
        {'data': f'name,file\nBad,{path}', 'format': 'csv', 'csv_delimiter': ','},
    )
    assert response.status_code == 200
    assert list(NetBoxAttachment.objects.all()) == [used]


def test_global_search_finds_attachments_by_file_name(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # NetBox indexes for search once the save commits
        make_attachment(name='Floor plan', filename='ams-floorplan.png')
    html = admin_client.get('/search/?q=ams-floorplan').content.decode()
    assert 'Floor plan' in html


#
# Assignments: link, unlink, list
#


def assignment_form_data(attachment, obj):
    return {
        'attachment': attachment.pk,
        'parent_content_type': ObjectType.objects.get_for_model(obj).pk,
        'parent_object_id': obj.pk,
    }


def test_link_existing_creates_an_assignment(admin_client):
    attachment, site = make_attachment(), make_site()
    response = admin_client.post(url('netboxattachmentassignment_add'), assignment_form_data(attachment, site))
    assert response.status_code == 302
    assert [a.parent for a in attachment.assignments.all()] == [site]


def test_linking_twice_is_refused_with_a_message(admin_client):
    attachment, site = make_attachment(), make_site()
    link(attachment, site)
    response = admin_client.post(url('netboxattachmentassignment_add'), assignment_form_data(attachment, site))
    assert response.status_code == 200
    assert 'This attachment is already linked to this object.' in response.content.decode()
    assert attachment.assignments.count() == 1


def test_linking_an_out_of_scope_type_is_refused(admin_client):
    from users.models import Owner

    attachment, owner = make_attachment(), Owner.objects.create(name='NOC')
    response = admin_client.post(url('netboxattachmentassignment_add'), assignment_form_data(attachment, owner))
    assert response.status_code == 200
    assert not NetBoxAttachmentAssignment.objects.exists()


def test_linking_an_object_the_user_may_not_view_is_refused(client):
    attachment, hidden = make_attachment(), make_site(name='Hidden')
    login(
        client, *VIEW_ALL, 'netbox_attachments.add_netboxattachmentassignment', constraints={'dcim.site': {'name': 'x'}}
    )
    response = client.post(url('netboxattachmentassignment_add'), assignment_form_data(attachment, hidden))
    assert response.status_code == 200
    assert not NetBoxAttachmentAssignment.objects.exists()


def test_link_existing_form_offers_only_in_scope_types(admin_client):
    html = admin_client.get(url('netboxattachmentassignment_add')).content.decode()
    select = html[html.index('name="parent_content_type"') :]
    options = select[: select.index('</select>')].lower()
    assert 'device' in options and 'circuit' in options
    assert 'cable termination' not in options and 'contact assignment' not in options and 'owner' not in options


def test_unlink_confirmation_names_the_target_and_says_it_is_the_last_link(admin_client):
    site = make_site()
    assignment = link(make_attachment(name='Plan'), site)
    html = admin_client.get(url('netboxattachmentassignment_delete', pk=assignment.pk)).content.decode()
    assert f'dcim &gt; site #{site.pk}' in html
    assert 'will be left with no assignments' in html
    assert 'The file is kept.' in html


def test_unlink_confirmation_says_the_attachment_stays_linked_elsewhere(admin_client):
    attachment = make_attachment()
    assignment = link(attachment, make_site())
    link(attachment, make_device())
    link(attachment, make_device())
    html = admin_client.get(url('netboxattachmentassignment_delete', pk=assignment.pk)).content.decode()
    assert 'stays linked to 2 other objects' in html


def test_unlink_confirmation_reads_the_same_for_a_broken_assignment(admin_client):
    assignment = NetBoxAttachmentAssignment.objects.create(
        attachment=make_attachment(), object_type=broken_object_type(), object_id=224
    )
    html = admin_client.get(url('netboxattachmentassignment_delete', pk=assignment.pk)).content.decode()
    assert 'removed_plugin &gt; gadget #224' in html


def test_unlink_removes_the_assignment_and_keeps_the_file(admin_client, media_root):
    attachment = make_attachment()
    assignment = link(attachment, make_site())
    response = admin_client.post(url('netboxattachmentassignment_delete', pk=assignment.pk), {'confirm': True})
    assert response.status_code == 302
    assert not NetBoxAttachmentAssignment.objects.exists()
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists()
    assert (media_root / attachment.file.name).exists()


def test_bulk_unlink_keeps_the_attachments(admin_client):
    attachment = make_attachment()
    assignments = [link(attachment, make_site()) for _ in range(3)]
    response = admin_client.post(
        url('netboxattachmentassignment_bulk_delete'),
        {'pk': [a.pk for a in assignments], 'confirm': True, '_confirm': True},
    )
    assert response.status_code == 302
    assert not NetBoxAttachmentAssignment.objects.exists()
    assert NetBoxAttachment.objects.filter(pk=attachment.pk).exists()


def test_assignment_list_filters(admin_client):
    from dcim.models import Device

    first, second = make_attachment(name='First file'), make_attachment(name='Second file')
    link(first, make_site(name='Alpha'))
    link(second, make_device(name='bravo-01'))

    def shown(query):
        html = admin_client.get(ASSIGNMENT_LIST + query).content.decode()
        return {name for name in ('First file', 'Second file') if name in html}

    assert shown('') == {'First file', 'Second file'}
    assert shown(f'?attachment_id={first.pk}') == {'First file'}
    assert shown(f'?object_type_id={ObjectType.objects.get_for_model(Device).pk}') == {'Second file'}
    assert shown('?q=second') == {'Second file'}


def test_assignment_detail_shows_the_broken_state(admin_client):
    assignment = NetBoxAttachmentAssignment.objects.create(
        attachment=make_attachment(), object_type=broken_object_type(), object_id=5
    )
    html = admin_client.get(assignment.get_absolute_url()).content.decode()
    assert 'removed_plugin &gt; gadget #5' in html and 'broken' in html


def test_editing_an_assignment_changes_only_its_tags(admin_client):
    from extras.models import Tag

    tag = Tag.objects.create(name='Reviewed', slug='reviewed')
    site = make_site()
    assignment = link(make_attachment(), site)
    broken = NetBoxAttachmentAssignment.objects.create(
        attachment=make_attachment(), object_type=broken_object_type(), object_id=3
    )
    for target in (assignment, broken):
        response = admin_client.post(url('netboxattachmentassignment_edit', pk=target.pk), {'tags': [tag.pk]})
        assert response.status_code == 302, response.content.decode()[-2000:]
        target.refresh_from_db()
        assert list(target.tags.all()) == [tag]
    assert assignment.parent == site


def test_view_only_users_cannot_upload(client):
    """Writing through NetBox's generic views as a user who may only view is refused in test_generic_views.py;
    NetBox's test cases cannot post a file, so the add form is tested here."""
    login(client, *VIEW_ALL)
    assert client.get(url('netboxattachment_add')).status_code == 403
    response = client.post(url('netboxattachment_add'), {'file': SimpleUploadedFile('a.txt', b'a')})
    assert response.status_code == 403
    assert not NetBoxAttachment.objects.exists()
