"""Each plugin setting: its effect, and a clear system check message when it is wrong."""

import pytest
from circuits.models import Circuit
from core.exceptions import IncompatiblePluginError
from dcim.models import CableTermination, Device, Site
from django.test import RequestFactory, override_settings
from ipam.models import FHRPGroupAssignment
from tenancy.models import ContactAssignment

from netbox_attachments import NetBoxAttachmentsConfig
from netbox_attachments.checks import check_plugin_settings
from netbox_attachments.scope import is_in_scope, models_in_scope
from netbox_attachments.template_content import ObjectAttachments

from .factories import make_device
from .helpers import plugin_config

pytestmark = pytest.mark.django_db


def check_messages(**config):
    with override_settings(PLUGINS_CONFIG={'netbox_attachments': plugin_config(**config)}):
        return [(problem.level >= 40, problem.msg) for problem in check_plugin_settings()]


def test_default_settings_pass_the_checks():
    assert check_messages() == []


@pytest.mark.parametrize(
    'config, is_error, fragment',
    [
        ({'applied_scope': 'everything'}, True, "['applied_scope']: 'everything' is not one of"),
        ({'scope_filter': 'dcim'}, True, "['scope_filter']: must be a list"),
        ({'scope_filter': ['dcim', 'nosuchapp']}, False, "['scope_filter']: 'nosuchapp' is not an installed app"),
        ({'scope_filter': ['dcim.site']}, False, "['scope_filter']: 'dcim.site' names a model"),
        ({'applied_scope': 'model', 'scope_filter': ['dcim']}, False, "'dcim' is an app label"),
        ({'applied_scope': 'model', 'scope_filter': ['dcim.nosuch']}, False, "'dcim.nosuch' is not an installed model"),
        ({'display_default': 'sidebar'}, True, "['display_default']: 'sidebar' is not one of"),
        ({'display_setting': ['dcim.site']}, True, "['display_setting']: must be a dict"),
        ({'display_setting': {'dcim.site': 'top'}}, True, "'dcim.site': 'top' is not one of"),
        ({'display_setting': {'dcim.nosuch': 'left_page'}}, False, "'dcim.nosuch' is not an installed model"),
        ({'create_add_button': 'yes'}, True, "['create_add_button']: must be True or False"),
        ({'display_defualt': 'left_page'}, False, "['display_defualt']: unknown setting"),
        ({'max_upload_size': 0}, True, "['max_upload_size']: must be a positive number of bytes"),
        ({'max_upload_size': '10MB'}, True, "['max_upload_size']: must be a positive number of bytes"),
        ({'signed_link_lifetime': 7200}, True, "['signed_link_lifetime']: must be a whole number of seconds from 1"),
        ({'signed_link_lifetime': 0}, True, "['signed_link_lifetime']: must be a whole number"),
        ({'inline_content_types': 'application/pdf'}, True, "['inline_content_types']: must be a list"),
        ({'inline_content_types': ['image/svg+xml']}, False, "'image/svg+xml' can carry scripts"),
    ],
)
def test_a_wrong_setting_is_reported_naming_its_key(config, is_error, fragment):
    messages = check_messages(**config)
    assert any(error == is_error and fragment in message for error, message in messages), messages


def test_no_upload_limit_is_allowed():
    assert check_messages(max_upload_size=None) == []


def test_app_scope_covers_the_default_apps(plugin_settings):
    with plugin_settings():
        assert is_in_scope(Site) and is_in_scope(Device) and is_in_scope(Circuit)


def test_app_scope_leaves_out_models_without_a_detail_page(plugin_settings):
    with plugin_settings():
        in_scope = set(models_in_scope())
    assert not in_scope & {CableTermination, FHRPGroupAssignment, ContactAssignment}


def test_model_scope_takes_only_the_listed_models(plugin_settings):
    with plugin_settings(applied_scope='model', scope_filter=['dcim.device']):
        assert models_in_scope() == [Device]


def test_app_scope_takes_only_the_listed_apps(plugin_settings):
    with plugin_settings(scope_filter=['circuits']):
        assert {model._meta.app_label for model in models_in_scope()} == {'circuits'}


def render_extension(obj, user):
    request = RequestFactory().get('/')
    request.user = user
    extension = ObjectAttachments({'object': obj, 'request': request})
    return {
        position: getattr(extension, position)()
        for position in ('left_page', 'right_page', 'full_width_page', 'buttons')
    }


@pytest.mark.parametrize('position', ['left_page', 'right_page', 'full_width_page'])
def test_panel_is_rendered_only_in_its_configured_position(position, plugin_settings, superuser):
    device = make_device()
    with plugin_settings(display_default=position):
        rendered = render_extension(device, superuser)
    for other in ('left_page', 'right_page', 'full_width_page'):
        assert ('netbox-attachments-panel' in rendered[other]) == (other == position)
    assert f'object_id={device.pk}' in rendered[position]


def test_per_model_display_overrides_the_default(plugin_settings, superuser, admin_client):
    device = make_device()
    with plugin_settings(display_setting={'dcim.device': 'right_page'}):
        assert 'netbox-attachments-panel' in render_extension(device, superuser)['right_page']
        assert 'netbox-attachments-panel' not in render_extension(device.site, superuser)['right_page']
        site_page = admin_client.get(device.site.get_absolute_url()).content.decode()
        device_page = admin_client.get(device.get_absolute_url()).content.decode()
    assert f'/dcim/sites/{device.site.pk}/attachments/' in site_page
    assert f'/dcim/devices/{device.pk}/attachments/' not in device_page
    assert 'netbox-attachments-panel' in device_page


def test_tab_mode_shows_a_tab_and_no_panel(plugin_settings, superuser, admin_client):
    device = make_device()
    with plugin_settings(display_default='additional_tab'):
        page = admin_client.get(device.get_absolute_url()).content.decode()
        assert all('netbox-attachments-panel' not in html for html in render_extension(device, superuser).values())
    assert f'/dcim/devices/{device.pk}/attachments/' in page


def test_tab_url_answers_404_when_the_model_uses_a_panel(plugin_settings, admin_client):
    device = make_device()
    with plugin_settings(display_default='left_page'):
        assert admin_client.get(f'/dcim/devices/{device.pk}/attachments/').status_code == 404


@pytest.mark.parametrize('enabled', [True, False])
def test_create_add_button_controls_only_the_header_button(enabled, plugin_settings, superuser):
    device = make_device()
    with plugin_settings(create_add_button=enabled, display_default='right_page'):
        rendered = render_extension(device, superuser)
    assert ('Add Attachment' in rendered['buttons']) == enabled
    assert 'Add Attachment' in rendered['right_page'] and 'Link Existing' in rendered['right_page']


def test_out_of_scope_objects_show_nothing(plugin_settings, superuser):
    device = make_device()
    with plugin_settings(scope_filter=['circuits'], display_default='right_page'):
        assert all(html == '' for html in render_extension(device, superuser).values())


@pytest.mark.parametrize(('netbox', 'loads'), [('4.6.9', False), ('4.7.0', True), ('4.7.3', True), ('4.8.0', False)])
def test_netbox_refuses_to_load_the_plugin_outside_the_releases_it_was_tested_on(netbox, loads):
    if loads:
        NetBoxAttachmentsConfig.validate({}, netbox)
    else:
        with pytest.raises(IncompatiblePluginError):
            NetBoxAttachmentsConfig.validate({}, netbox)


def test_a_storage_that_compresses_files_is_reported(settings, s3):
    """django-storages' S3 backend with gzip on stores CSS, JavaScript and SVG compressed: downloads would send the
    compressed bytes under the file's own type."""
    from dev.s3_server import s3_storage

    compressing = s3_storage('gzip-on', s3.endpoint)
    compressing['OPTIONS']['gzip'] = True
    settings.STORAGES = {**settings.STORAGES, 'default': compressing}
    problems = check_plugin_settings()
    assert [problem.id for problem in problems] == ['netbox_attachments.W006']
    assert "STORAGES['default']" in problems[0].msg and 'gzip' in problems[0].msg
    settings.STORAGES = {**settings.STORAGES, 'default': s3_storage('gzip-off', s3.endpoint)}
    assert check_plugin_settings() == []
