"""Who may see what, and do what: every visibility and permission rule of the plugin lives in this file.

"Does user X see attachment, link or object Y?", "may X upload, link, unlink, delete?" are answered here and
nowhere else. Pages, tables, forms, filters, exports, the REST API, downloads, the `/media/` guard, template
content and the React page configuration all ask this module.

NetBox's object permissions (ObjectPermission, with constraints) are the source. On top of them:

- Attachments (`AttachmentQuerySet.restrict`): NetBox's rule, and changing or deleting also needs view permission
  on the same attachment, so no edit or delete page prints what its user may not view.
- Assignments, called links in the UI (`AssignmentQuerySet.restrict`): as attachments, and visible only together
  with their attachment, whose name they show.
- Linked objects (`visible_objects`, `prefetch_parents`, `assignments_to_visible_objects`): an object the user may not
  view is never named; a link to it reads as its raw label ('dcim > device #7').
- The link count (`assignment_count`) counts every link, hidden ones included: a number names nothing, and it says
  what deleting an attachment removes.
- New links (`hidden_link_ends`, `may_create`): whoever links may view both ends, and a record made along with
  another (the link of an upload) obeys the maker's "add" constraints too.
- Capabilities (`capabilities`): what the user may do, from model permissions (adopting stored files by import
  included); object constraints are applied to each record by NetBox's views and the API when the action happens.
  The permission names NetBox's menus and tabs need are the constants below.

Outside a request (scripts, jobs, the shell) there is no user, and everything is visible.
"""

from dataclasses import dataclass

from core.models import ObjectType
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from netbox.context import current_request
from utilities.querysets import RestrictedQuerySet

from .internals import has_filters

# The models import this module for their querysets, so the functions below that need a model import it when called.

VIEW_ATTACHMENTS = 'netbox_attachments.view_netboxattachment'
ADD_ATTACHMENTS = 'netbox_attachments.add_netboxattachment'
VIEW_ASSIGNMENTS = 'netbox_attachments.view_netboxattachmentassignment'
ADD_ASSIGNMENTS = 'netbox_attachments.add_netboxattachmentassignment'
# Adopting a stored file (an import naming a file already in the storage) hands its bytes to the importer, so it takes
# a permission of its own (NetBox's "additional actions" of an object permission); add alone only creates by upload.
ADOPT_FILES = 'netbox_attachments.adopt_netboxattachment'


def current_user():
    """The user of the request being handled, or None outside a request (scripts, jobs, the shell)."""
    request = current_request.get()
    return getattr(request, 'user', None) if request is not None else None


def is_restricted(queryset):
    """True when a restricted queryset filters anything out (False for superusers and unconstrained permissions)."""
    return has_filters(queryset)


#
# Records: attachments and assignments
#


class AttachmentQuerySet(RestrictedQuerySet):
    def restrict(self, user, action='view'):
        """NetBox's object permissions, and changing or deleting also needs view permission on the same object.

        NetBox lets a user with change or delete permission but no view permission open an object's edit and
        delete pages (and bulk confirmations), which print its name and file: here those pages answer 404.
        """
        queryset = super().restrict(user, action)
        if action in ('change', 'delete'):
            viewable = super().restrict(user, 'view')
            if is_restricted(viewable):
                queryset = queryset.filter(pk__in=viewable.values('pk'))
        return queryset


class AssignmentQuerySet(AttachmentQuerySet):
    def restrict(self, user, action='view'):
        """As for attachments, and only assignments whose attachment the user may view.

        An assignment shows its attachment's name (in its title, change log, journal, exports, bulk confirmations),
        so every view and API endpoint that NetBox restricts hides it along with its attachment.
        """
        queryset = super().restrict(user, action)
        attachments = visible_attachments(user)
        return queryset.filter(attachment__in=attachments) if is_restricted(attachments) else queryset


def visible_to(user, queryset):
    """What of the queryset the user may view under NetBox's object permissions: all of it outside a request
    (user None), and for models without object permissions."""
    return queryset if user is None or not hasattr(queryset, 'restrict') else queryset.restrict(user, 'view')


def visible_objects(user, model):
    return visible_to(user, model._default_manager.all())


def visible_attachments(user):
    from .models import NetBoxAttachment

    return visible_objects(user, NetBoxAttachment)


def visible_assignments(user):
    from .models import NetBoxAttachmentAssignment

    return visible_objects(user, NetBoxAttachmentAssignment)


def assignment_count(attachment='pk'):
    """Annotation: how many objects an attachment is linked to, across the whole system (hidden links included: a
    count names nothing, and it tells what deleting the attachment removes). The one way every page and the API
    count links: `attachment` is the attachment's key in the annotated query, 'pk' on attachments, 'attachment'
    on assignments.

    A correlated subquery rather than Count(): it adds no join or GROUP BY to the queries it annotates.
    """
    from .models import NetBoxAttachmentAssignment

    assignments = (
        NetBoxAttachmentAssignment.objects.filter(attachment=models.OuterRef(attachment))
        .order_by()
        .values('attachment')
        .annotate(count=models.Count('*'))
        .values('count')
    )
    return Coalesce(models.Subquery(assignments, output_field=models.IntegerField()), 0)


def attachments_with_counts():
    from .models import NetBoxAttachment

    return NetBoxAttachment.objects.annotate(assignment_count=assignment_count())


def object_assignments(user, obj):
    """The rows shown on an object's page (tab, panel, tab badge): its links whose attachment the user may view."""
    object_type = ContentType.objects.get_for_model(obj)
    return (
        visible_assignments(user)
        .filter(object_type=object_type, object_id=obj.pk)
        .select_related('attachment', 'object_type')
        .annotate(assignment_count=assignment_count('attachment'))
        .order_by('attachment__name', 'pk')
    )


def visible_assignments_prefetch(user):
    """Loads NetBoxAttachment.visible_assignments for many attachments at once."""
    assignments = visible_assignments(user).select_related('object_type')
    return models.Prefetch('assignments', queryset=assignments, to_attr='_visible_assignments')


#
# Linked objects
#


def prefetch_parents(assignments, user=None):
    """Resolve the linked objects of many assignments with one query per object type.

    Only objects the user may view are resolved (all of them when user is None, outside a request): the others
    read as their raw label, so a list never reveals the name of an object its reader may not see.
    """
    by_type = {}
    for assignment in assignments:
        by_type.setdefault(assignment.object_type_id, []).append(assignment)
    for type_assignments in by_type.values():
        model = type_assignments[0].object_type.model_class()
        objects = {}
        if model is not None:
            wanted = visible_objects(user, model).filter(pk__in={a.object_id for a in type_assignments})
            objects = {obj.pk: obj for obj in wanted}
        for assignment in type_assignments:
            assignment._parent = objects.get(assignment.object_id)
    return assignments


def assignments_to_visible_objects(user, assignments, object_types=None):
    """Narrow an assignment queryset to links whose linked object the user may view (broken links stay).

    Filters that match attachments by what they are linked to use this, so that a filter never tells a reader
    which hidden objects an attachment is linked to. One subquery per linked object type; object_types, when the
    caller knows them, saves the query that finds them.
    """
    if user is None:
        return assignments
    if object_types is None:
        object_types = ObjectType.objects.filter(pk__in=assignments.order_by().values('object_type'))
    visible = models.Q(pk__in=[])
    for object_type in object_types:
        model = object_type.model_class()
        objects = visible_objects(user, model) if model is not None else None
        if objects is not None and is_restricted(objects):
            visible |= models.Q(object_type=object_type, object_id__in=objects.values('pk'))
        else:  # every object of the type may be seen, or a broken link names no object to hide
            visible |= models.Q(object_type=object_type)
    return assignments.filter(visible)


#
# New links
#


def hidden_link_ends(user, attachment=None, model=None, object_id=None):
    """The ends of a new link that the user may not view, of 'attachment' and 'object' (ends given as None are not
    asked about). Linking must never reveal or touch what its maker may not see; callers answer a hidden end as a
    missing one."""
    hidden = []
    if attachment is not None and not visible_attachments(user).filter(pk=attachment.pk).exists():
        hidden.append('attachment')
    if model is not None and object_id is not None and not visible_objects(user, model).filter(pk=object_id).exists():
        hidden.append('object')
    return hidden


def may_create(user, instance):
    """Whether the user's 'add' permission constraints allow this saved record: NetBox's views check only the
    record they create, not one made along with it (the link of an upload), so that one is checked here."""
    return type(instance).objects.restrict(user, 'add').filter(pk=instance.pk).exists()


#
# What a user may do
#


@dataclass(frozen=True)
class Capabilities:
    """What a user may do with attachments, from their model permissions. Pages use it to offer an action; the
    action itself is checked again against the object constraints by NetBox's views and the API."""

    view_attachments: bool
    view_assignments: bool
    upload: bool  # a new attachment linked at once to the object it was dropped on: adds both records
    upload_unlinked: bool
    link: bool
    unlink: bool
    delete: bool
    adopt: bool  # import records for files already in the storage


def capabilities(user):
    def may(action, model):
        return user.has_perm(f'netbox_attachments.{action}_{model}')

    add_attachment, add_assignment = user.has_perm(ADD_ATTACHMENTS), user.has_perm(ADD_ASSIGNMENTS)
    return Capabilities(
        view_attachments=user.has_perm(VIEW_ATTACHMENTS),
        view_assignments=user.has_perm(VIEW_ASSIGNMENTS),
        upload=add_attachment and add_assignment,
        upload_unlinked=add_attachment,
        link=add_assignment,
        unlink=may('delete', 'netboxattachmentassignment'),
        delete=may('delete', 'netboxattachment'),
        adopt=user.has_perm(ADOPT_FILES),
    )


def may_view_model(user, model):
    """True when the user may view some objects of the model (the object picker searches only such models)."""
    return user.has_perm(f'{model._meta.app_label}.view_{model._meta.model_name}')
