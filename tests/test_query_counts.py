"""List views, the tab and the panel run a fixed number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import link, make_attachment, make_device, make_site
from .test_views import ASSIGNMENT_LIST, ATTACHMENT_LIST, panel_url

pytestmark = pytest.mark.django_db


def query_count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
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


@pytest.mark.parametrize(
    'path',
    [
        ATTACHMENT_LIST,
        ASSIGNMENT_LIST,
        # Exports hold every row, not only the page's: their linked objects are resolved for all rows at once.
        f'{ATTACHMENT_LIST}?export=table&per_page=2',
        f'{ASSIGNMENT_LIST}?export&per_page=2',
    ],
)
def test_list_views_do_not_grow_with_rows(admin_client, path):
    add_linked_attachments(2, make_site(), make_device())
    admin_client.get(path)  # warm per-process caches (content types, user config)
    few = query_count(admin_client, path)
    add_linked_attachments(12, make_site(), make_device(), make_device())
    assert query_count(admin_client, path) == few


def test_object_tab_and_panel_do_not_grow_with_rows(admin_client):
    device = make_device()
    add_linked_attachments(2, device, make_site())
    tab, panel = f'/dcim/devices/{device.pk}/attachments/', panel_url(device)
    admin_client.get(tab)
    few_tab, few_panel = query_count(admin_client, tab), query_count(admin_client, panel)
    add_linked_attachments(12, device, make_site())
    assert query_count(admin_client, tab) == few_tab
    assert query_count(admin_client, panel) == few_panel


API = '/api/plugins/netbox-attachments/'


@pytest.mark.parametrize(
    'path',
    [
        f'{API}netbox-attachments/?limit=1000',
        f'{API}netbox-attachment-assignments/?limit=1000',
        f'{API}netbox-attachments/?limit=1000&brief=1',
        f'{API}netbox-attachment-assignments/?limit=1000&brief=1',
    ],
)
def test_api_lists_do_not_grow_with_attachments_or_assignments(admin_client, path):
    add_linked_attachments(2, make_site(), make_device())
    admin_client.get(path)
    few = query_count(admin_client, path)
    add_linked_attachments(12, make_site(), make_device(), make_device())
    assert query_count(admin_client, path) == few


def test_api_list_counts_stay_fixed_for_a_constrained_reader(client):
    from .factories import VIEW_ALL, make_user

    client.force_login(make_user(None, *VIEW_ALL, constraints={'dcim.site': {'name__startswith': 'Site'}}))
    path = f'{API}netbox-attachments/?limit=1000'
    add_linked_attachments(2, make_site(), make_device())
    client.get(path)
    few = query_count(client, path)
    add_linked_attachments(12, make_site(), make_device(), make_device())
    assert query_count(client, path) == few
