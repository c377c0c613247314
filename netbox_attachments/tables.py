import django_tables2 as tables
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from netbox.tables import NetBoxTable, PrimaryModelTable, columns

from .access import capabilities
from .models import NetBoxAttachment, NetBoxAttachmentAssignment

DOWNLOAD_BUTTON = (
    '<a href="{% url \'plugins:netbox_attachments:netboxattachment_download\' pk=record.pk %}" '
    'class="btn btn-sm btn-primary" title="Download" aria-label="Download"><i class="mdi mdi-download"></i></a>'
)


class SizeColumn(tables.Column):
    def render(self, value):
        return filesizeformat(value)


class NetBoxAttachmentTable(PrimaryModelTable):
    name = tables.Column(linkify=True, verbose_name=_('Name'))
    file = tables.Column(accessor='filename', orderable=False, verbose_name=_('File'))
    size = SizeColumn(verbose_name=_('Size'))
    content_type = tables.Column(verbose_name=_('Content type'))
    assigned_to = tables.TemplateColumn(
        template_name='netbox_attachments/inc/assigned_to.html',
        orderable=False,
        verbose_name=_('Assigned to'),
    )
    assignment_count = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_('Links'))
    tags = columns.TagColumn(url_name='plugins:netbox_attachments:netboxattachment_list')
    actions = columns.ActionsColumn(extra_buttons=DOWNLOAD_BUTTON)

    class Meta(PrimaryModelTable.Meta):
        model = NetBoxAttachment
        fields = (
            'pk', 'id', 'name', 'file', 'size', 'content_type', 'sha256', 'assigned_to', 'assignment_count',
            'description', 'owner', 'comments', 'tags', 'created', 'last_updated', 'actions',
        )  # fmt: skip
        default_columns = ('name', 'file', 'size', 'assigned_to', 'assignment_count', 'description', 'tags')
        # Attachments nobody links to are highlighted, as candidates for clean-up.
        row_attrs = {'class': lambda record: 'table-danger' if not record.assignment_count else ''}


class NetBoxAttachmentAssignmentTable(NetBoxTable):
    attachment = tables.Column(linkify=True, verbose_name=_('Attachment'))
    object_type = columns.ContentTypeColumn(verbose_name=_('Object type'))
    object_id = tables.Column(verbose_name=_('Object ID'))
    parent = tables.TemplateColumn(
        template_code="{% include 'netbox_attachments/inc/assigned_object.html' with assignment=record %}",
        orderable=False,
        verbose_name=_('Object'),
    )
    tags = columns.TagColumn(url_name='plugins:netbox_attachments:netboxattachmentassignment_list')
    actions = columns.ActionsColumn(actions=('delete', 'edit', 'changelog'))

    class Meta(NetBoxTable.Meta):
        model = NetBoxAttachmentAssignment
        fields = ('pk', 'id', 'attachment', 'object_type', 'object_id', 'parent', 'tags', 'created', 'last_updated')
        default_columns = ('pk', 'attachment', 'object_type', 'parent', 'tags', 'actions')


class NetBoxAttachmentForObjectTable(NetBoxTable):
    """The attachments of one object: one row per assignment, as shown in its tab or panel (the assignment list view
    embedded for one object, views.NetBoxAttachmentAssignmentListView)."""

    attachment = tables.Column(linkify=True, verbose_name=_('Attachment'))
    description = tables.Column(accessor='attachment__description', verbose_name=_('Description'))
    file = tables.Column(accessor='attachment__filename', orderable=False, verbose_name=_('File'))
    size = SizeColumn(accessor='attachment__size', verbose_name=_('Size'))
    assignment_count = tables.Column(
        linkify=lambda record: record.attachment.get_absolute_url(),
        verbose_name=_('Links'),
        attrs={'td': {'title': _('Objects this attachment is linked to, across the whole system')}},
    )
    actions = tables.TemplateColumn(
        template_name='netbox_attachments/inc/object_row_actions.html',
        orderable=False,
        verbose_name='',
        attrs={'td': {'class': 'text-end text-nowrap noprint'}},
    )

    exempt_columns = ('actions',)

    class Meta(NetBoxTable.Meta):
        model = NetBoxAttachmentAssignment
        fields = ('attachment', 'description', 'file', 'size', 'assignment_count', 'actions')
        default_columns = fields
        empty_text = _('No attachments')

    def configure(self, request):
        # What the row buttons offer (inc/object_row_actions.html reads table.capabilities).
        self.capabilities = capabilities(request.user)
        super().configure(request)
