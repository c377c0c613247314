"""The pages that host the React front end: mount points, the configuration handed over by json_script, bundles."""

import json
import re
from html import unescape

import pytest
from core.models import ObjectType
from django.urls import reverse

from netbox_attachments import bundles

from .factories import VIEW_ALL, link, make_attachment, make_device, make_site, make_user

pytestmark = pytest.mark.django_db

MANAGER = '/plugins/netbox-attachments/netbox-attachments/manager/'
WIDGET_CONFIG_ID = 'netbox-attachments-widget-config'
MANAGER_CONFIG_ID = 'netbox-attachments-manager-config'
ALL_ATTACHMENT_PERMISSIONS = (
    *VIEW_ALL,
    'netbox_attachments.add_netboxattachment',
    'netbox_attachments.change_netboxattachment',
    'netbox_attachments.delete_netboxattachment',
    'netbox_attachments.add_netboxattachmentassignment',
    'netbox_attachments.delete_netboxattachmentassignment',
)


@pytest.fixture(autouse=True)
def built_bundles():
    if not bundles.bundles_built():
        pytest.fail('The front end is not built: run `npm run build` (make test does it through dev/bootstrap.sh).')


def login(client, *permissions):
    client.force_login(make_user(None, *permissions))
    return client


def json_script(html, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f'no json_script #{element_id}'
    return json.loads(match.group(1))


def plugin_files(html):
    """The plugin's built files a page loads, in order, without their content hashes ('vendor.js')."""
    urls = re.findall(r'<(?:script src|link href)="/static/netbox_attachments/dist/([^"]+)"', html)
    names = [re.fullmatch(r'([\w-]+)\.[0-9a-f]{8}\.(js|css)', url) for url in urls]
    assert all(names), urls
    return [f'{name[1]}.{name[2]}' for name in names]


#
# Object pages
#


def test_the_tab_hands_the_widget_its_object_permissions_and_limits(client):
    device = make_device()
    login(client, *ALL_ATTACHMENT_PERMISSIONS)
    html = client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode()
    config = json_script(html, WIDGET_CONFIG_ID)
    object_type = ObjectType.objects.get_for_model(device)
    assert config['object'] == {
        'type': 'dcim.device',
        'typeId': object_type.pk,
        'id': device.pk,
        'display': device.name,
        'typeLabel': 'device',
    }
    assert config['capabilities'] == dict.fromkeys(
        ('upload', 'uploadUnlinked', 'link', 'unlink', 'deleteEverywhere'), True
    )
    assert config['maxUploadSize'] == 1024**3
    assert 'image/svg+xml' not in config['inlineContentTypes'] and 'application/pdf' in config['inlineContentTypes']
    assert config['attachmentListUrl'] == reverse('plugins:netbox_attachments:netboxattachment_list')
    assert config['basePath'] == ''
    assert config['csrfToken']


def test_the_tab_loads_the_widget_bundle_from_static_files(client):
    device = make_device()
    login(client, *VIEW_ALL)
    html = client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode()
    assert plugin_files(html) == ['styles.css', 'vendor.js', 'object-widget.js']


def test_the_server_rendered_panel_stays_inside_the_mount_point_for_pages_without_the_widget(client):
    attachment = make_attachment(name='Rack manual')
    device = make_device()
    link(attachment, device)
    login(client, *ALL_ATTACHMENT_PERMISSIONS)
    html = client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode()
    start = html.index(f'data-netbox-attachments-widget="{WIDGET_CONFIG_ID}"')
    mount = html[start : html.index(f'id="{WIDGET_CONFIG_ID}"')]
    # Its table (loaded by HTMX), the fallback without JavaScript, and its buttons.
    assert 'netbox-attachment-assignments/?embedded=True&object_type_id=' in mount and '<noscript>' in mount
    assert 'Add Attachment' in mount and 'Link Existing' in mount


def test_a_read_only_user_gets_no_write_permissions_in_the_configuration(client):
    device = make_device()
    login(client, *VIEW_ALL)
    config = json_script(client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode(), WIDGET_CONFIG_ID)
    assert not any(config['capabilities'].values())


def test_the_configuration_is_json_not_inline_script(client):
    # A name that would break out of an inline <script> is escaped by json_script.
    device = make_device(name='</script><script>alert(1)</script>')
    login(client, *VIEW_ALL)
    html = client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode()
    assert '<script>alert(1)' not in html
    assert json_script(html, WIDGET_CONFIG_ID)['object']['display'] == '</script><script>alert(1)</script>'


@pytest.mark.parametrize('position', ['left_page', 'right_page', 'full_width_page'])
def test_every_panel_position_hosts_the_widget(client, plugin_settings, position):
    site = make_site()
    login(client, *VIEW_ALL)
    with plugin_settings(display_setting={'dcim.site': position}):
        html = client.get(site.get_absolute_url()).content.decode()
    assert f'data-placement="{position}"' in html
    assert json_script(html, WIDGET_CONFIG_ID)['object']['id'] == site.pk
    assert 'object-widget.js' in plugin_files(html)
    # The server-rendered panel (its HTMX table) stays for browsers without the widget.
    assert 'netbox-attachment-assignments/?embedded=True&object_type_id=' in html


@pytest.mark.parametrize('stats', [None, '{"status": "compile"}', '{"status": "error", "error": "x"}', '{not json'])
def test_pages_keep_their_server_rendered_table_without_a_finished_build(client, monkeypatch, tmp_path, stats):
    stats_file = tmp_path / 'webpack-stats.json'
    if stats is not None:
        stats_file.write_text(stats)
    monkeypatch.setattr(bundles, 'STATS_FILE', stats_file)
    attachment = make_attachment(name='Rack manual')
    device = make_device()
    link(attachment, device)
    login(client, *VIEW_ALL)
    html = client.get(f'/dcim/devices/{device.pk}/attachments/').content.decode()
    table = re.search(r'hx-get="([^"]*netbox-attachment-assignments/\?embedded=True[^"]*)"', html)
    table_url = unescape(table.group(1))
    assert 'Rack manual' in client.get(table_url, headers={'HX-Request': 'true'}).content.decode()
    assert f'id="{WIDGET_CONFIG_ID}"' not in html
    assert plugin_files(html) == []


def test_users_who_may_not_view_attachments_keep_the_server_rendered_panel(client, plugin_settings):
    site = make_site()
    login(client, 'dcim.view_site', 'netbox_attachments.view_netboxattachmentassignment')
    with plugin_settings(display_setting={'dcim.site': 'right_page'}):
        html = client.get(site.get_absolute_url()).content.decode()
    assert 'id="netbox-attachments-panel"' in html
    assert f'id="{WIDGET_CONFIG_ID}"' not in html


#
# Manager page
#


def test_the_manager_page_needs_view_permission_on_attachments(client):
    login(client, 'dcim.view_device')
    assert client.get(MANAGER).status_code == 403


def test_the_manager_page_loads_its_own_bundle_only(client):
    login(client, *VIEW_ALL)
    response = client.get(MANAGER)
    assert response.status_code == 200
    # The same shared files as the object pages (cached by the browser), and the manager's own script.
    assert plugin_files(response.content.decode()) == ['styles.css', 'vendor.js', 'manager.js']


def test_the_manager_offers_only_object_types_the_user_may_view(client):
    login(client, *VIEW_ALL)  # dcim.site and dcim.device only
    config = json_script(client.get(MANAGER).content.decode(), MANAGER_CONFIG_ID)
    assert [t['value'] for t in config['objectTypes']] == ['dcim.device', 'dcim.site']
    device_type = next(t for t in config['objectTypes'] if t['value'] == 'dcim.device')
    assert device_type['apiUrl'] == '/api/dcim/devices/'
    assert device_type['id'] == ObjectType.objects.get_by_natural_key('dcim', 'device').pk


def test_the_manager_offers_every_in_scope_type_to_a_superuser(admin_client):
    config = json_script(admin_client.get(MANAGER).content.decode(), MANAGER_CONFIG_ID)
    values = {t['value'] for t in config['objectTypes']}
    assert {'dcim.device', 'dcim.site', 'ipam.prefix', 'circuits.circuit', 'tenancy.tenant'} <= values
    assert not any(value.startswith(('extras.', 'users.', 'core.')) for value in values)


def test_the_attachments_menu_links_to_the_manager(admin_client):
    html = admin_client.get('/').content.decode()
    assert f'href="{MANAGER}"' in html
