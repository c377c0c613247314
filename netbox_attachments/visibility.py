"""Who may see what: the visibility rules that pages, exports, filters, the API and downloads all ask.

NetBox's object permissions decide; these helpers apply them to what the plugin shows besides its own records: the
objects that assignments link to. The rule for the records themselves ("an assignment is visible only with its
attachment") lives in models.AssignmentQuerySet.restrict(), which every NetBox view and API endpoint calls.
"""

from core.models import ObjectType
from django.db.models import Q
from netbox.context import current_request


def current_user():
    """The user of the request being handled, or None outside a request (scripts, jobs, the shell)."""
    request = current_request.get()
    return getattr(request, 'user', None) if request is not None else None


def visible_to(user, queryset):
    """What of the queryset the user may view under NetBox's object permissions: all of it outside a request
    (user None), and for models without object permissions."""
    return queryset if user is None or not hasattr(queryset, 'restrict') else queryset.restrict(user, 'view')


def visible_objects(user, model):
    return visible_to(user, model._default_manager.all())


def is_restricted(queryset):
    """True when a restricted queryset filters anything out (False for superusers and unconstrained permissions)."""
    return bool(queryset.query.where)


def user_may_view(user, obj):
    return visible_objects(user, type(obj)).filter(pk=obj.pk).exists()


def links_to_visible_objects(user, links, object_types=None):
    """Narrow an assignment queryset to links whose linked object the user may view (broken links stay).

    Filters that match attachments by what they are linked to use this, so that a filter never tells a reader
    which hidden objects an attachment is linked to. One subquery per linked object type; object_types, when the
    caller knows them, saves the query that finds them.
    """
    if user is None:
        return links
    if object_types is None:
        object_types = ObjectType.objects.filter(pk__in=links.order_by().values('object_type'))
    visible = Q(pk__in=[])
    for object_type in object_types:
        model = object_type.model_class()
        objects = visible_objects(user, model) if model is not None else None
        if objects is not None and is_restricted(objects):
            visible |= Q(object_type=object_type, object_id__in=objects.values('pk'))
        else:  # every object of the type may be seen, or a broken link names no object to hide
            visible |= Q(object_type=object_type)
    return links.filter(visible)
