"""NetBox's own test cases (utilities.testing) for the generic views and REST API viewsets of the plugin's two models.

They prove what every NetBox model promises: each page and endpoint answers 403 without permission, honours
constrained permissions (404 for an object outside them, no change to it), records change log entries with their
message, takes custom fields, exports CSV, serves anonymous readers where NetBox is configured to exempt views, and
answers malformed bulk API requests per item. The plugin's own rules on top of these (what a reader may see of a
link or a linked object, files, adoption) are tested in the other modules.

Fitted to the plugin:
- Changing or deleting an attachment or a link also needs view permission on it (netbox_attachments/access.py), so
  the classes that write give their user view permission: their "without permission" tests are those of a user who
  may view but not write.
- NetBox's create tests post form data through `post_data()`, which turns every value into a string: a file cannot
  be uploaded that way, so attachments are created by the CSV import (which adopts stored files) and by the tests
  in test_views.py and test_api.py, not by `CreateObjectViewTestCase`.
- NetBox's tests of list views compare the query count with a baseline file inside the plugin package
  (`netbox_attachments/tests/query_counts.json`); test_query_counts.py checks instead that the counts do not grow
  with the rows, so those two tests are replaced by the same request without the baseline.
- The classes are Django TestCases: their data is made once per class (setUpTestData), its files in a folder of
  the class (conftest's per-test media folder would come too late for them).
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from core.models import ObjectType
from dcim.models import Site
from django.test import override_settings
from users.models import ObjectPermission
from utilities.testing import APIViewTestCases, ViewTestCases, create_tags

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import link, make_attachment, make_site, stored_file

VIEW_ATTACHMENTS = 'netbox_attachments.view_netboxattachment'
VIEW_ASSIGNMENTS = 'netbox_attachments.view_netboxattachmentassignment'
ADOPT = 'netbox_attachments.adopt_netboxattachment'


@pytest.fixture(autouse=True)
def media_root(request):
    """Overrides conftest's: a class keeps the files of its data in its own folder for all its tests."""
    return request.cls.media_root


class PluginTestCase:
    """The plugin's URL namespaces, and a media folder per class."""

    view_namespace = 'plugins-api:netbox_attachments'  # the API test cases add '-api'

    @classmethod
    def setUpClass(cls):
        folder = Path(tempfile.mkdtemp(prefix='netbox-test-cases-'))
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        cls.media_root = folder / 'media'
        cls.enterClassContext(override_settings(MEDIA_ROOT=str(cls.media_root)))
        super().setUpClass()

    def _get_base_url(self):
        return f'plugins:netbox_attachments:{self.model._meta.model_name}_{{}}'


class ListWithoutQueryCountBaseline:
    """NetBox's test_list_objects_with_permission without its query count baseline (see above)."""

    def test_list_objects_with_permission(self):
        self.add_permissions(f'netbox_attachments.view_{self.model._meta.model_name}')
        self.assertHttpStatus(self.client.get(self._get_url('list')), 200)


class APIListWithoutQueryCountBaseline:
    """NetBox's test_list_objects of the API without its query count baseline (see above)."""

    def test_list_objects(self):
        first, second = self._get_queryset()[:2]
        permission = ObjectPermission.objects.create(
            name='Test permission', constraints={'pk__in': [first.pk, second.pk]}, actions=['view']
        )
        permission.users.add(self.user)
        permission.object_types.add(ObjectType.objects.get_for_model(self.model))
        response = self.client.get(self._get_list_url(), **self.header)
        self.assertHttpStatus(response, 200)
        self.assertEqual(sorted(row['id'] for row in response.data['results']), sorted([first.pk, second.pk]))


#
# The data of each class: made once per class
#


class AttachmentData(PluginTestCase):
    """Three attachments with the same description (the constrained bulk edit test narrows on it), the first linked
    to a site; three files in the storage that the CSV import may adopt; two tags."""

    model = NetBoxAttachment

    @classmethod
    def setUpTestData(cls):
        cls.attachments = [
            make_attachment(filename=f'file-{n}.txt', name=f'Attachment {n}', description='Original') for n in (1, 2, 3)
        ]
        link(cls.attachments[0], make_site())
        for n in (1, 2, 3):
            stored_file(cls.media_root, f'stored-{n}.txt', f'stored bytes {n}'.encode())
        cls.tags = create_tags('Alpha', 'Bravo')


class AssignmentData(PluginTestCase):
    """One attachment linked to three sites, a fourth site to link it to, a second attachment and two tags. A link
    shows only with its attachment, so the user may view attachments."""

    model = NetBoxAttachmentAssignment
    user_permissions = (VIEW_ATTACHMENTS,)

    @classmethod
    def setUpTestData(cls):
        cls.attachment = make_attachment(name='Linked attachment')
        cls.other_attachment = make_attachment(name='Other attachment')
        cls.sites = [make_site(name=f'Site {n}') for n in (1, 2, 3, 4)]
        cls.assignments = [link(cls.attachment, site) for site in cls.sites[:3]]
        cls.tags = create_tags('Alpha', 'Bravo')


#
# UI: attachments
#


class NetBoxAttachmentPagesTest(
    AttachmentData,
    ListWithoutQueryCountBaseline,
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.GetObjectChangelogViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
):
    """Detail, change log and list pages and exports; the user starts without permission on the model."""


class NetBoxAttachmentWritesTest(
    AttachmentData,
    ViewTestCases.EditObjectViewTestCase,
    ViewTestCases.DeleteObjectViewTestCase,
    ViewTestCases.BulkImportObjectsViewTestCase,
    ViewTestCases.BulkEditObjectsViewTestCase,
    ViewTestCases.BulkDeleteObjectsViewTestCase,
):
    """Edit, delete, bulk edit, bulk delete, and the CSV import, which adopts stored files (the adopt action)."""

    user_permissions = (VIEW_ATTACHMENTS, ADOPT)
    bulk_edit_data = {'description': 'Bulk edited'}
    csv_data = (
        'name,file,description',
        'Imported 1,stored-1.txt,First',
        'Imported 2,netbox-attachments/stored-2.txt,Second',
        'Imported 3,stored-3.txt,Third',
    )

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.form_data = {
            'name': 'Edited',
            'description': 'Edited description',
            'comments': 'Edited comments',
            'tags': [tag.pk for tag in cls.tags],
        }
        cls.csv_update_data = (
            'id,name,description',
            *(f'{a.pk},Renamed {a.pk},Updated by import' for a in cls.attachments),
        )


#
# UI: assignments
#


class NetBoxAttachmentAssignmentPagesTest(
    AssignmentData,
    ListWithoutQueryCountBaseline,
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.GetObjectChangelogViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
):
    """Detail, change log and list pages and exports; the user starts without permission on the model."""


class NetBoxAttachmentAssignmentWritesTest(
    AssignmentData,
    ViewTestCases.CreateObjectViewTestCase,
    ViewTestCases.EditObjectViewTestCase,
    ViewTestCases.DeleteObjectViewTestCase,
    ViewTestCases.BulkDeleteObjectsViewTestCase,
):
    """The add form links the attachment to the fourth site; the edit form changes only tags and custom fields (the
    ends it is given are ignored, and all three links are of the same attachment)."""

    user_permissions = (VIEW_ATTACHMENTS, VIEW_ASSIGNMENTS)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.form_data = {
            'attachment': cls.attachment.pk,
            'parent_content_type': ObjectType.objects.get_for_model(Site).pk,
            'parent_object_id': cls.sites[3].pk,
            'tags': [tag.pk for tag in cls.tags],
        }


#
# REST API
#


class NetBoxAttachmentAPITest(
    AttachmentData,
    APIListWithoutQueryCountBaseline,
    APIViewTestCases.GetObjectViewTestCase,
    APIViewTestCases.ListObjectsViewTestCase,
):
    """Detail and list endpoints, brief lists; the user starts without permission on the model."""

    brief_fields = sorted(['description', 'display', 'download_url', 'file', 'filename', 'id', 'name', 'size', 'url'])


class NetBoxAttachmentAPIWritesTest(
    AttachmentData,
    APIViewTestCases.UpdateObjectViewTestCase,
    APIViewTestCases.DeleteObjectViewTestCase,
):
    """Uploads are multipart requests, which NetBox's create tests do not send: test_api.py has them."""

    user_permissions = (VIEW_ATTACHMENTS,)
    update_data = {'name': 'Renamed', 'description': 'Updated', 'comments': 'Updated comments'}
    bulk_update_data = {'description': 'Bulk updated'}
    bulk_update_invalid_data = {'name': 'bell\x07'}


class NetBoxAttachmentAssignmentAPITest(
    AssignmentData,
    APIListWithoutQueryCountBaseline,
    APIViewTestCases.GetObjectViewTestCase,
    APIViewTestCases.ListObjectsViewTestCase,
):
    """Detail and list endpoints, brief lists; the user starts without permission on the model."""

    brief_fields = sorted(['attachment', 'display', 'id', 'object_id', 'object_type', 'url'])


class NetBoxAttachmentAssignmentAPIWritesTest(
    AssignmentData,
    APIViewTestCases.CreateObjectViewTestCase,
    APIViewTestCases.UpdateObjectViewTestCase,
    APIViewTestCases.DeleteObjectViewTestCase,
):
    """A link's ends never change (test_api_permissions.py): updates change its tags."""

    user_permissions = (VIEW_ATTACHMENTS, VIEW_ASSIGNMENTS, 'dcim.view_site')

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.create_data = [
            {'attachment': cls.other_attachment.pk, 'object_type': 'dcim.site', 'object_id': site.pk}
            for site in cls.sites[:3]
        ]
        cls.update_data = {'tags': [tag.pk for tag in cls.tags]}
        cls.bulk_update_data = {'tags': [cls.tags[0].pk]}
        cls.bulk_update_invalid_data = {'tags': [max(tag.pk for tag in cls.tags) + 1000]}
