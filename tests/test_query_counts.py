"""List views, the tab and the panel run a fixed number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import VIEW_ALL, link, make_attachment, make_device, make_site
from .helpers import API_ASSIGNMENTS, API_ATTACHMENTS, ASSIGNMENT_LIST, ATTACHMENT_LIST, login, panel_url

pytestmark = pytest.mark.django_db


def query_count(client, path, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return len(queries)


def add_linked_attachments(count, *targets):
    from extras.models import Tag

    tag, _ = Tag.objects.get_or_create(name='Counted', slug='counted')
    for _ in range(count):
        attachment = make_attachment()
        attachment.tags.add(tag)
        for target in targets:
            link(attachment, target).tags.add(tag)


def assert_count_does_not_grow(client, path):
    add_linked_attachments(2, make_site(), make_device())
    client.get(path)  # warm per-process caches (content types, user config)
    few = query_count(client, path)
    add_linked_attachments(12, make_site(), make_device(), make_device())
    assert query_count(client, path) == few


@pytest.mark.parametrize(
    'path',
    [
        ATTACHMENT_LIST,
        ASSIGNMENT_LIST,
        # Exports hold every row, not only the page's: their linked objects are resolved for all rows at once.
        f'{ATTACHMENT_LIST}?export=table&per_page=2',
        f'{ASSIGNMENT_LIST}?export&per_page=2',
        f'{API_ATTACHMENTS}?limit=1000',
        f'{API_ASSIGNMENTS}?limit=1000',
        f'{API_ATTACHMENTS}?limit=1000&brief=1',
        f'{API_ASSIGNMENTS}?limit=1000&brief=1',
    ],
)
def test_lists_do_not_grow_with_rows(admin_client, path):
    assert_count_does_not_grow(admin_client, path)


def test_api_list_counts_stay_fixed_for_a_constrained_reader(client):
    login(client, *VIEW_ALL, constraints={'dcim.site': {'name__startswith': 'Site'}})
    assert_count_does_not_grow(client, f'{API_ATTACHMENTS}?limit=1000')


def test_object_tab_and_its_table_do_not_grow_with_rows(admin_client):
    """The tab page (its badge counts the rows) and the table HTMX loads into the tab and panels."""
    device = make_device()
    add_linked_attachments(2, device, make_site())
    tab, table, htmx = f'/dcim/devices/{device.pk}/attachments/', panel_url(device), {'HX-Request': 'true'}
    admin_client.get(tab)
    few_tab, few_rows = query_count(admin_client, tab), query_count(admin_client, table, headers=htmx)
    add_linked_attachments(12, device, make_site())
    assert query_count(admin_client, tab) == few_tab
    assert query_count(admin_client, table, headers=htmx) == few_rows


def add_custom_fields():
    """A text and an object custom field on attachments and on assignments: object ones are loaded per page."""
    from core.models import ObjectType
    from extras.models import CustomField

    from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

    site_type = ObjectType.objects.get_for_model(make_site())
    for model in (NetBoxAttachment, NetBoxAttachmentAssignment):
        prefix = model._meta.model_name
        for name, fields in (
            ('text', {'type': 'text'}),
            ('site', {'type': 'object', 'related_object_type': site_type}),
        ):
            custom_field = CustomField.objects.create(name=f'{prefix}_{name}', **fields)
            custom_field.object_types.set([ObjectType.objects.get_for_model(model)])


def fill_custom_fields():
    from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

    for model in (NetBoxAttachment, NetBoxAttachmentAssignment):
        prefix = model._meta.model_name
        for obj in model.objects.filter(custom_field_data={}):
            obj.custom_field_data = {f'{prefix}_text': f'#{obj.pk}', f'{prefix}_site': make_site().pk}
            obj.save()


@pytest.mark.parametrize(
    'path',
    [
        f'{API_ATTACHMENTS}?limit=1000',
        f'{API_ASSIGNMENTS}?limit=1000',
        f'{API_ATTACHMENTS}?limit=1000&fields=id,assignments',
    ],
)
def test_api_lists_with_custom_fields_do_not_grow_with_rows(admin_client, path):
    add_custom_fields()
    add_linked_attachments(2, make_site(), make_device())
    fill_custom_fields()
    admin_client.get(path)
    few = query_count(admin_client, path)
    add_linked_attachments(12, make_site(), make_device(), make_device())
    fill_custom_fields()
    response = admin_client.get(path)
    row = response.json()['results'][0]
    nested = row['assignments'][0] if 'assignments' in row else row
    assert nested['custom_fields']['netboxattachmentassignment_site']['id'] and nested['tags']
    assert query_count(admin_client, path) == few


def test_an_attachment_detail_does_not_grow_with_its_links(admin_client):
    from extras.models import Tag

    add_custom_fields()
    attachment = make_attachment()
    path = f'{API_ATTACHMENTS}{attachment.pk}/'
    tag = Tag.objects.create(name='Counted', slug='counted')
    for target in (make_site(), make_device()):
        link(attachment, target).tags.add(tag)
    fill_custom_fields()
    admin_client.get(path)
    few = query_count(admin_client, path)
    for _ in range(12):
        link(attachment, make_device()).tags.add(tag)
    fill_custom_fields()
    assert len(admin_client.get(path).json()['assignments']) == 14
    assert query_count(admin_client, path) == few
