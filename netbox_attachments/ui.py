"""The plugin's pages built from NetBox's UI parts (netbox.ui): panels, attributes, panel actions, header buttons.

- Attachment and assignment detail pages: `layout.SimpleLayout` of attribute panels, NetBox's tags, custom fields and
  comments panels, and plugin content (SimpleLayout adds that itself), as NetBox's own ImageAttachmentView.
- An object's attachments, on its tab and in its panel: `ObjectAttachmentsPanel`, NetBox's `ObjectsTablePanel`,
  which loads the assignment list view (views.NetBoxAttachmentAssignmentListView) as an embedded table by HTMX.

What an action is offered for is decided by `access.capabilities`, like everywhere else in the plugin.
"""

from django.contrib.contenttypes.models import ContentType
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from extras.ui.panels import CustomFieldsPanel, TagsPanel
from netbox.object_actions import CloneObject, DeleteObject, EditObject, ObjectAction
from netbox.ui import actions, attrs, layout, panels

from .access import capabilities
from .bundles import widget_context
from .scope import object_type_label

#
# Actions
#


class CapabilityAction(actions.LinkAction):
    """A panel's link button, offered when the user has the capability (a field of access.Capabilities)."""

    def __init__(self, capability, view_name, **kwargs):
        super().__init__(view_name, **kwargs)
        self.capability = capability

    def render(self, context):
        if not getattr(capabilities(context['request'].user), self.capability):
            return ''
        return super().render(context)


def object_type_id(context):
    return ContentType.objects.get_for_model(context['object']).pk


class DownloadAttachment(ObjectAction):
    """The Download button in the header of an attachment's page (the page itself needs view permission)."""

    name = 'download'
    label = _('Download')
    permissions_required = {'view'}
    url_kwargs = ['pk']
    template_name = 'netbox_attachments/buttons/download.html'


ATTACHMENT_ACTIONS = (DownloadAttachment, CloneObject, EditObject, DeleteObject)

#
# Attachment
#


class SizeAttr(attrs.TextAttr):
    """The size in words and in bytes: '1.2 MB (1234567 bytes)'."""

    def get_value(self, obj):
        if obj.size is None:
            return None
        return _('%(size)s (%(bytes)s bytes)') % {'size': filesizeformat(obj.size), 'bytes': obj.size}


class AttachmentPanel(panels.ObjectAttributesPanel):
    title = _('Attachment')

    name = attrs.TextAttr('name')
    description = attrs.TextAttr('description')
    file = attrs.TemplatedAttr('filename', label=_('File'), template_name='netbox_attachments/attrs/download.html')
    size = SizeAttr('size')
    content_type = attrs.TextAttr('content_type', label=_('Content type'))
    sha256 = attrs.TextAttr('sha256', label=_('SHA-256'), style='font-monospace small text-break', copy_button=True)
    owner = attrs.RelatedObjectAttr('owner', linkify=True)


class LinkedObjectsPanel(panels.ContextTablePanel):
    """The attachment's links, from the view's table (views.NetBoxAttachmentView: the linked objects the reader may
    not view read as their raw label), titled with the count of all its links."""

    actions = [
        CapabilityAction(
            'link',
            'plugins:netbox_attachments:netboxattachmentassignment_add',
            url_params={'attachment': lambda context: context['object'].pk},
            label=_('Link to an object'),
            button_icon='link-variant-plus',
        ),
    ]

    def __init__(self, **kwargs):
        super().__init__('assignments_table', **kwargs)

    def get_context(self, context):
        ctx = super().get_context(context)
        count = ctx['object'].assignment_count
        title = ngettext('Linked to %(count)s object', 'Linked to %(count)s objects', count) % {'count': count}
        return {**ctx, 'title': title}


ATTACHMENT_LAYOUT = layout.SimpleLayout(
    left_panels=[AttachmentPanel(), TagsPanel(), CustomFieldsPanel()],
    right_panels=[panels.CommentsPanel()],
    bottom_panels=[LinkedObjectsPanel()],
)

#
# Assignment
#


class ObjectTypeAttr(attrs.TextAttr):
    def get_value(self, obj):
        return object_type_label(obj.object_type)


class AssignmentPanel(panels.ObjectAttributesPanel):
    title = _('Attachment Assignment')

    attachment = attrs.RelatedObjectAttr('attachment', linkify=True)
    object_type = ObjectTypeAttr('object_type', label=_('Object type'))
    # NetBox's GenericForeignKeyAttr would show a placeholder for a linked object the reader may not view or whose
    # type is gone (parent is None then): this one shows its raw label instead, and says when the link is broken.
    object = attrs.TemplatedAttr(
        'target_label', label=_('Object'), template_name='netbox_attachments/attrs/linked_object.html'
    )


ASSIGNMENT_LAYOUT = layout.SimpleLayout(
    left_panels=[AssignmentPanel(), TagsPanel()],
    right_panels=[CustomFieldsPanel()],
)

#
# An object's attachments: its tab and its panel
#


def for_this_object(capability, view_name, field, label, icon):
    """A button to a form whose generic object field `field` starts at the page's object."""
    return CapabilityAction(
        capability,
        f'plugins:netbox_attachments:{view_name}',
        url_params={f'{field}_content_type': object_type_id, f'{field}_object_id': lambda ctx: ctx['object'].pk},
        label=label,
        button_icon=icon,
    )


class ObjectAttachmentsPanel(panels.ObjectsTablePanel):
    """The attachments of the page's object, on its tab and in its panel: the assignment list view embedded by HTMX
    with the object's filters (the view then answers with the object page's columns, and 404 for an object the
    reader may not view), and one fallback for browsers without JavaScript, a link to the same list on a page of
    its own. The React widget replaces the panel once its bundle runs."""

    template_name = 'netbox_attachments/panels/object_attachments.html'
    title = _('Attachments')
    actions = [
        for_this_object('upload', 'netboxattachment_add', 'link_to', _('Add Attachment'), 'plus-thick'),
        for_this_object('link', 'netboxattachmentassignment_add', 'parent', _('Link Existing'), 'link-variant-plus'),
    ]

    def __init__(self, **kwargs):
        super().__init__(
            'netbox_attachments.netboxattachmentassignment',
            filters={
                'object_type_id': object_type_id,
                'object_id': lambda ctx: ctx['object'].pk,
                # Unlinking from a row comes back to the page it started on: the tab, or the object's page.
                'return_url': lambda ctx: ctx['request'].path,
            },
            **kwargs,
        )

    def should_render(self, context):
        request = context.get('request')
        return request is None or capabilities(request.user).view_assignments

    def get_context(self, context):
        ctx = super().get_context(context)
        # The fallback without JavaScript: the same list on a page of its own (without the embedding parameters).
        fallback = ctx['url_params'].copy()
        fallback.pop('return_url', None)
        return {**ctx, 'fallback_params': fallback}


def object_attachments_context(request, obj, placement):
    """Context of inc/object_panel.html, an object's attachments on its tab (placement 'tab') or in its panel."""
    return {'attachments_panel': ObjectAttachmentsPanel(), 'placement': placement, **widget_context(request, obj)}
