from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from netbox.context import current_request
from netbox.models.features import model_is_public
from netbox.object_actions import AddObject, BulkDelete, BulkEdit, BulkExport, BulkImport
from netbox.views import generic
from utilities.views import (
    ConditionalLoginRequiredMixin,
    ViewTab,
    get_action_url,
    get_default_template,
    register_model_view,
)

from . import filtersets, forms, tables, ui
from .access import (
    VIEW_ASSIGNMENTS,
    assignment_count,
    attachments_with_counts,
    capabilities,
    object_assignments,
    prefetch_parents,
    visible_assignments,
    visible_assignments_prefetch,
    visible_attachments,
    visible_objects,
)
from .bundles import bundles_built, manager_config
from .downloads import serve_attachment
from .models import NetBoxAttachment, NetBoxAttachmentAssignment
from .scope import DISPLAY_TAB, display_mode, is_in_scope

#
# Object pages: the tab and the panel
#


def viewable_object_or_404(request, model, pk):
    if not is_in_scope(model):
        raise Http404(_('Objects of this type cannot have attachments.'))
    return get_object_or_404(visible_objects(request.user, model), pk=pk)


def queried_object_or_404(request):
    """The object named by ?object_type_id=<id>&object_id=<id> (one of each), if the user may view it."""
    try:
        (type_id,), (object_id,) = request.GET.getlist('object_type_id'), request.GET.getlist('object_id')
        model = ContentType.objects.get_for_id(int(type_id)).model_class()
        object_id = int(object_id)
    except (ValueError, ContentType.DoesNotExist):
        raise Http404(_('object_type_id and object_id must name an object.')) from None
    if model is None:
        raise Http404
    return viewable_object_or_404(request, model, object_id)


def count_for_current_user(obj):
    """Tab badge: the number of rows the tab will show to the user looking at it."""
    request = current_request.get()
    if request is None:
        return None
    return object_assignments(request.user, obj).count() or None


def tab_is_visible(obj):
    model = type(obj)
    return is_in_scope(model) and display_mode(model) == DISPLAY_TAB


class ObjectAttachmentsTabView(ConditionalLoginRequiredMixin, View):
    """The "Attachments" tab of an object page. Registered for every public model; shown only where configured."""

    tab = ViewTab(
        label=_('Attachments'),
        badge=count_for_current_user,
        visible=tab_is_visible,
        permission=VIEW_ASSIGNMENTS,
        weight=5000,
    )

    def get(self, request, model, pk):
        if not capabilities(request.user).view_assignments:
            raise Http404
        obj = viewable_object_or_404(request, model, pk)
        if display_mode(model) != DISPLAY_TAB:
            raise Http404(_('Attachments of this object type are shown in a panel, not a tab.'))
        return render(
            request,
            'netbox_attachments/object_tab.html',
            {
                'object': obj,
                **ui.object_attachments_context(request, obj, 'tab'),
                'base_template': get_default_template(model),
                'tab': self.tab,
            },
        )


def with_query(url, query_string):
    return f'{url}?{query_string}' if query_string else url


class PeerTabRedirectView(ConditionalLoginRequiredMixin, View):
    """The tab URL of netbox-attachments 12.x (/<app>/<list slug>/<pk>/<model>-attachment_list/), kept for bookmarks:
    a redirect to this plugin's tab with the same query string.

    It looks nothing up, so its answer is the same whether the object exists or not; the tab it leads to checks the
    permissions and the object.
    """

    def get(self, request, model, pk):
        url = get_action_url(model, 'attachments', kwargs={'pk': pk})
        return redirect(with_query(url, request.META.get('QUERY_STRING', '')))


def register_object_tabs():
    """Attach the tab view to every model that may ever be in scope; the settings decide at request time."""
    for model in apps.get_models():
        if model._meta.app_label != 'netbox_attachments' and model_is_public(model):
            register_model_view(model, 'attachments', path='attachments', kwargs={'model': model})(
                ObjectAttachmentsTabView
            )
            # netbox-attachments 12.x's tab URL, under its name; without a `tab` attribute, so it adds no tab.
            peer_tab = f'{model._meta.model_name}-attachment_list'
            register_model_view(model, peer_tab, path=peer_tab, kwargs={'model': model})(PeerTabRedirectView)


# netbox-attachments 12.x's "Link existing" page took the object as object_type/object_id; the assignment form
# takes it as parent_content_type/parent_object_id. Other parameters (attachment, return_url) mean the same.
PEER_LINK_PARAMETERS = {'object_type': 'parent_content_type', 'object_id': 'parent_object_id'}


class PeerLinkRedirectView(ConditionalLoginRequiredMixin, View):
    """The "Link existing" URL of netbox-attachments 12.x (/plugins/netbox-attachments/netbox-attachments/link/),
    kept for bookmarks and custom links: a redirect to the assignment form, which checks login and permissions."""

    def get(self, request):
        query = QueryDict(mutable=True)
        for name, values in request.GET.lists():
            query.setlist(PEER_LINK_PARAMETERS.get(name, name), values)
        url = reverse('plugins:netbox_attachments:netboxattachmentassignment_add')
        return redirect(with_query(url, query.urlencode()))


#
# Attachments
#


@register_model_view(NetBoxAttachment, 'manager', path='manager', detail=False)
class NetBoxAttachmentManagerView(ConditionalLoginRequiredMixin, View):
    """The attachment manager: the React page for every attachment (search, upload, preview, link, delete)."""

    def get(self, request):
        if not capabilities(request.user).view_attachments:
            raise PermissionDenied
        config = manager_config(request) if bundles_built() else None
        return render(request, 'netbox_attachments/manager.html', {'manager_config': config})


@register_model_view(NetBoxAttachment, 'list', path='', detail=False)
class NetBoxAttachmentListView(generic.ObjectListView):
    queryset = attachments_with_counts()
    table = tables.NetBoxAttachmentTable
    filterset = filtersets.NetBoxAttachmentFilterSet
    filterset_form = forms.NetBoxAttachmentFilterForm
    actions = (AddObject, BulkImport, BulkExport, BulkEdit, BulkDelete)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(visible_assignments_prefetch(request.user))


@register_model_view(NetBoxAttachment)
class NetBoxAttachmentView(generic.ObjectView):
    queryset = attachments_with_counts()
    template_name = 'generic/object.html'
    layout = ui.ATTACHMENT_LAYOUT
    actions = ui.ATTACHMENT_ACTIONS

    def get_extra_context(self, request, instance):
        """The links of ui.LinkedObjectsPanel: those the user may view, their objects named only where the user may
        view them."""
        assignments = visible_assignments(request.user).filter(attachment=instance).select_related('object_type')
        assignments = assignments.prefetch_related('tags').order_by('pk')
        assignments_table = tables.NetBoxAttachmentAssignmentTable(
            prefetch_parents(list(assignments), request.user), exclude=('attachment',), orderable=False
        )
        assignments_table.empty_text = _('This attachment is not linked to any object.')
        assignments_table.configure(request)
        return {'assignments_table': assignments_table}


def edit_view(model, form):
    """NetBox's add and edit pages of a model, both served by one view class with the model's form."""
    attributes = {'queryset': model.objects.all(), 'form': form, '__module__': __name__}
    view = type(f'{model.__name__}EditView', (generic.ObjectEditView,), attributes)
    register_model_view(model, 'add', detail=False)(view)
    return register_model_view(model, 'edit')(view)


def bulk_views(model, queryset, filterset, table, form):
    """NetBox's bulk edit and bulk delete of the rows selected or filtered on a model's list."""
    common = {'queryset': queryset, 'filterset': filterset, 'table': table, '__module__': __name__}
    edit = type(f'{model.__name__}BulkEditView', (generic.BulkEditView,), {**common, 'form': form})
    delete = type(f'{model.__name__}BulkDeleteView', (generic.BulkDeleteView,), common)
    register_model_view(model, 'bulk_edit', path='edit', detail=False)(edit)
    register_model_view(model, 'bulk_delete', path='delete', detail=False)(delete)
    return edit, delete


NetBoxAttachmentEditView = edit_view(NetBoxAttachment, forms.NetBoxAttachmentForm)


@register_model_view(NetBoxAttachment, 'delete')
class NetBoxAttachmentDeleteView(generic.ObjectDeleteView):
    queryset = attachments_with_counts()
    template_name = 'netbox_attachments/netboxattachment_delete.html'


@register_model_view(NetBoxAttachment, 'download')
class NetBoxAttachmentDownloadView(ConditionalLoginRequiredMixin, View):
    """The file of an attachment, for users who may view that attachment (object permissions included)."""

    def get(self, request, pk):
        return serve_attachment(request, get_object_or_404(visible_attachments(request.user), pk=pk))


@register_model_view(NetBoxAttachment, 'bulk_import', path='import', detail=False)
class NetBoxAttachmentBulkImportView(generic.BulkImportView):
    queryset = NetBoxAttachment.objects.all()
    model_form = forms.NetBoxAttachmentImportForm


NetBoxAttachmentBulkEditView, NetBoxAttachmentBulkDeleteView = bulk_views(
    NetBoxAttachment,
    attachments_with_counts(),
    filtersets.NetBoxAttachmentFilterSet,
    tables.NetBoxAttachmentTable,
    forms.NetBoxAttachmentBulkEditForm,
)


#
# Assignments
#


@register_model_view(NetBoxAttachmentAssignment, 'list', path='', detail=False)
class NetBoxAttachmentAssignmentListView(generic.ObjectListView):
    """The assignment list. Embedded (?embedded=True) and filtered by one object (?object_type_id=&object_id=), as
    ui.ObjectAttachmentsPanel loads it on an object's tab and panel, it is that object's attachments: the object
    page's columns, and 404 when the object is not one the user may view (or may have attachments)."""

    queryset = NetBoxAttachmentAssignment.objects.select_related('attachment', 'object_type')
    table = tables.NetBoxAttachmentAssignmentTable
    filterset = filtersets.NetBoxAttachmentAssignmentFilterSet
    filterset_form = forms.NetBoxAttachmentAssignmentFilterForm
    actions = (AddObject, BulkExport, BulkEdit, BulkDelete)

    def is_object_table(self, request):
        return 'embedded' in request.GET and ('object_type_id' in request.GET or 'object_id' in request.GET)

    def handle_no_permission(self):
        # The object's tab and panel answer 404 to a user who may not view assignments, as the tab does.
        if self.request.user.is_authenticated and self.is_object_table(self.request):
            raise Http404
        return super().handle_no_permission()

    def get(self, request):
        if self.is_object_table(request):
            # The rows are those of the object just checked, not left to the filter set: it drops a filter it cannot
            # read (an ID spelt '+12', which int() reads), and the list would then show other objects' rows.
            self.queryset = object_assignments(request.user, queried_object_or_404(request))
            self.table = tables.NetBoxAttachmentForObjectTable
        return super().get(request)

    def get_table(self, data, request, bulk_actions=True):
        # The object's table has no row selection, whatever page it is on.
        object_table = self.table is tables.NetBoxAttachmentForObjectTable
        return super().get_table(data, request, bulk_actions and not object_table)


class ObjectAttachmentsPanelView(NetBoxAttachmentAssignmentListView):
    """netboxattachment_panel_list (/plugins/netbox-attachments/netbox-attachment-panel/?object_type_id=&object_id=),
    where panels loaded their table before they embedded the assignment list, under the path and name that
    netbox-attachments 12.x had: kept, as the same embedded list of one object's attachments."""

    def is_object_table(self, request):
        return True

    def get(self, request):
        request.GET = request.GET.copy()
        request.GET['embedded'] = 'True'
        return super().get(request)


@register_model_view(NetBoxAttachmentAssignment)
class NetBoxAttachmentAssignmentView(generic.ObjectView):
    queryset = NetBoxAttachmentAssignment.objects.select_related('attachment', 'object_type')
    template_name = 'generic/object.html'
    layout = ui.ASSIGNMENT_LAYOUT

    def get_extra_context(self, request, instance):
        prefetch_parents([instance], request.user)
        return {}


NetBoxAttachmentAssignmentEditView = edit_view(NetBoxAttachmentAssignment, forms.NetBoxAttachmentAssignmentForm)


@register_model_view(NetBoxAttachmentAssignment, 'delete')
class NetBoxAttachmentAssignmentDeleteView(generic.ObjectDeleteView):
    """Unlink: removes the assignment only; the attachment and its file stay."""

    queryset = NetBoxAttachmentAssignment.objects.select_related('attachment', 'object_type').annotate(
        assignment_count=assignment_count('attachment')
    )
    template_name = 'netbox_attachments/netboxattachmentassignment_delete.html'

    def get_extra_context(self, request, instance):
        # NetBox's confirmation (htmx/delete_form.html, on this page and in the modal of the assignment's Delete
        # button) asks to "delete {{ object_type }} ...": here, the link.
        return {'object_type': _('the link')}


# Bulk delete of assignments is bulk unlink: the attachments and their files stay.
NetBoxAttachmentAssignmentBulkEditView, NetBoxAttachmentAssignmentBulkDeleteView = bulk_views(
    NetBoxAttachmentAssignment,
    NetBoxAttachmentAssignment.objects.select_related('attachment', 'object_type'),
    filtersets.NetBoxAttachmentAssignmentFilterSet,
    tables.NetBoxAttachmentAssignmentTable,
    forms.NetBoxAttachmentAssignmentBulkEditForm,
)
