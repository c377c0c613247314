"""One capability map (access.capabilities) decides what every page offers, and the configuration the pages hand the
React front end has the shape the front end's generated types describe."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.test import RequestFactory

from netbox_attachments.access import Capabilities, capabilities
from netbox_attachments.bundles import manager_config, object_widget_config

from .factories import make_site, make_user
from .helpers import login

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parents[1] / 'frontend/src/api/openapi.json').read_text(encoding='utf-8'))
ATTACHMENT, ASSIGNMENT = 'netbox_attachments.{}_netboxattachment', 'netbox_attachments.{}_netboxattachmentassignment'
NOTHING = dict.fromkeys(Capabilities.__dataclass_fields__, False)


@pytest.mark.parametrize(
    ('permissions', 'expected'),
    [
        ([], {}),
        ([ATTACHMENT.format('view')], {'view_attachments': True}),
        ([ASSIGNMENT.format('view')], {'view_assignments': True}),
        # Upload stores the file and links it where it was dropped: both records are added.
        ([ATTACHMENT.format('add')], {'upload_unlinked': True}),
        ([ATTACHMENT.format('add'), ASSIGNMENT.format('add')], {'upload': True, 'upload_unlinked': True, 'link': True}),
        ([ASSIGNMENT.format('add')], {'link': True}),
        ([ASSIGNMENT.format('delete')], {'unlink': True}),
        (['netbox_attachments.adopt_netboxattachment'], {'adopt': True}),
        ([ATTACHMENT.format('delete')], {'delete': True}),
    ],
)
def test_capabilities_follow_the_model_permissions(permissions, expected):
    assert capabilities(make_user(None, *permissions)) == Capabilities(**{**NOTHING, **expected})


def test_a_superuser_may_do_everything(admin_user):
    assert capabilities(admin_user) == Capabilities(**dict.fromkeys(NOTHING, True))


def json_schema(name):
    """A component of the committed OpenAPI 3.0 schema as plain JSON Schema: references inlined, `nullable` as a
    null type, and no property the schema does not name."""

    def convert(node):
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if '$ref' in node:
            return convert(SCHEMA['components']['schemas'][node['$ref'].rsplit('/', 1)[1]])
        converted = {key: convert(value) for key, value in node.items() if key != 'nullable'}
        if node.get('nullable'):
            converted['type'] = [node['type'], 'null']
        if 'properties' in node:
            converted['additionalProperties'] = False
        return converted

    return convert(SCHEMA['components']['schemas'][name])


def page_request(user):
    request = RequestFactory().get('/')
    request.user = user
    return request


@pytest.mark.parametrize('permissions', [[], [ATTACHMENT.format('view'), ASSIGNMENT.format('add')]])
def test_page_configurations_have_the_shape_of_their_generated_types(permissions):
    user = make_user(None, *permissions)
    widget = object_widget_config(page_request(user), make_site())
    jsonschema.validate(json.loads(json.dumps(widget)), json_schema('ObjectWidgetPageConfig'))
    manager = manager_config(page_request(user))
    jsonschema.validate(json.loads(json.dumps(manager)), json_schema('ManagerPageConfig'))
    assert widget['capabilities'] == {
        'upload': False,
        'uploadUnlinked': False,
        'link': bool(permissions),
        'unlink': False,
        'deleteEverywhere': False,
    }


def test_the_page_offers_what_the_capabilities_allow(client):
    """The tab's server-rendered buttons and the widget's configuration read the same capability map."""
    site = make_site()
    login(client, 'dcim.view_site', ATTACHMENT.format('view'), ASSIGNMENT.format('view'), ASSIGNMENT.format('add'))
    page = client.get(f'{site.get_absolute_url()}attachments/').content.decode()
    assert 'Link Existing' in page and 'Add Attachment' not in page


def test_only_the_front_ends_copy_of_the_schema_describes_the_page_configurations():
    from netbox_attachments.api.schema import netbox_schema, plugin_schema

    pages = {'ObjectWidgetPageConfig', 'ManagerPageConfig', 'PageCapabilities', 'PageObject', 'PageObjectType'}
    schema = netbox_schema()
    assert not pages & plugin_schema(schema)['components']['schemas'].keys()  # what API clients are generated from
    assert pages <= plugin_schema(schema, page_configs=True)['components']['schemas'].keys()
    assert pages <= SCHEMA['components']['schemas'].keys()
