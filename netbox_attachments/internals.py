"""Every place where the plugin relies on a private internal of Django, Django REST framework, NetBox, taggit or
django-storages.

Most are speed tricks, each measured on a list of 1,000 attachments with 3 links each (its docstring says what it
saves); the others ask something these projects answer only through a private attribute. Nothing else in the
plugin reads or writes another project's private attribute: when one of them changes underneath, this module is
the only place to mend, and tests/test_internals.py, which pins each internal against the installed libraries, says
which trick broke and why.

- Querysets (Django): `has_filters`.
- Prefetch caches (Django, taggit): `is_prefetched`, `set_prefetched`, `without_prefetch`.
- Linked objects fetched together (Django's FETCH_PEERS): `fetched_peers`.
- Custom field objects (NetBox's CustomFieldsDataField): `custom_fields_of`, `custom_field_object_cache`.
- URLs reversed once per model (Django, DRF, NetBox): `ReverseOnceMixin`, `APIURLField`, `UIURLField`,
  `use_fast_url_fields`, `media_url_prefix`.
- Uploads and storages (Django, django-storages): `is_new_upload`, `is_stored`, `allows_overwrite`, `s3_object`.
- Forms (NetBox's GenericObjectChoiceField): `forget_content_types`.

Written and checked against the versions below (major.minor). After an upgrade of any of them, run
tests/test_internals.py; once it passes (mending the tricks it names first), update these constants.
"""

from django.urls import reverse
from netbox.api.serializers.fields import NetBoxAPIHyperlinkedIdentityField, NetBoxURLHyperlinkedIdentityField

DJANGO_VERSION = '6.1'
DRF_VERSION = '3.18'
NETBOX_VERSION = '4.7'
TAGGIT_VERSION = '6.1'
STORAGES_VERSION = '1.14'


#
# Querysets
#


def has_filters(queryset):
    """True when the queryset has a WHERE clause. access.is_restricted asks it of a restrict()ed queryset: NetBox
    adds no condition for superusers and unconstrained permissions, so a subquery on it can be left out."""
    return bool(queryset.query.where)


#
# Prefetch caches
#


def is_prefetched(instance, name):
    """True when the relation `name` of this instance is in Django's prefetch cache (prefetch_related, or
    set_prefetched), so reading it runs no query."""
    return name in getattr(instance, '_prefetched_objects_cache', {})


def set_prefetched(instance, name, queryset, rows):
    """Make the relation `name` of this instance read as `rows` without a query, as prefetch_related() would: a
    queryset like `queryset` whose results are `rows`, in the instance's prefetch cache. Keeps what a prefetch has
    already put there.

    Django's related managers and taggit's manager answer `.all()` from `_prefetched_objects_cache[name]`; a
    queryset whose `_result_cache` is set and `_prefetch_done` is true yields its rows and runs nothing. This lets
    a page's tags be loaded with one query: taggit's own prefetch builds a filtered query for every row (about
    0.4 ms a row, most of a 1,000-row list's prefetch time).
    """
    cached = queryset.all()
    cached._result_cache, cached._prefetch_done = list(rows), True
    instance._prefetched_objects_cache = getattr(instance, '_prefetched_objects_cache', {})
    instance._prefetched_objects_cache.setdefault(name, cached)


def without_prefetch(queryset, lookup):
    """The queryset without the prefetch_related() lookup named `lookup` (a string), its other lookups kept in their
    order. NetBox's view sets prefetch every relation the serializer shows; a list that loads one relation itself
    (tags, see set_prefetched) leaves NetBox's lookup out."""
    lookups = queryset._prefetch_related_lookups
    if lookup not in lookups:
        return queryset
    return queryset.prefetch_related(None).prefetch_related(*[kept for kept in lookups if kept != lookup])


#
# Rows fetched together
#


def fetched_peers(instance):
    """The instances fetched by the same query as this one, itself included, while they are alive; empty when it
    was not fetched in Django's FETCH_PEERS mode.

    Django keeps them (as weak references in `_state.peers`) to load what the rows lack together; the plugin
    resolves the linked objects of a page, an export chunk or any loop over a queryset the same way, with one query
    per object type instead of one per row.
    """
    return [peer for ref in instance._state.peers if (peer := ref()) is not None]


#
# Custom fields
#


def custom_fields_of(field):
    """The custom fields that NetBox's CustomFieldsDataField shows: those of its serializer's model, read once per
    field and kept on it (the same list it serializes, so no second query)."""
    return field._get_custom_fields()


def custom_field_object_cache(context):
    """The serializer context's cache of the objects that object-type custom fields point to, keyed
    (model, pk), made when missing.

    NetBox's CustomFieldsDataField reads such objects from the context's 'cf_object_cache' (filled by NetBox's own
    list serializer for its page) and, once that cache exists, from nowhere else: whoever makes it must fill it for
    every serializer of the response that shows custom fields. Without it, each row's object custom field costs a
    query.
    """
    return context.setdefault('cf_object_cache', {})


#
# URLs
#


class ReverseOnceMixin:
    """Reverses the URL of the first object of each model once, then fills in the others' keys.

    A list of 1,000 attachments with 3 links each holds about 9,000 object URLs; resolving each one through Django's
    URL resolver was a quarter of the response time. The URL of one object differs from another's of the same model
    only in the key, so the first result serves as the template.
    """

    def get_url(self, obj, view_name, request, format):
        pk = getattr(obj, 'pk', None)
        if pk in (None, '') or self.lookup_field != 'pk':
            return super().get_url(obj, view_name, request, format)
        templates = self.__dict__.setdefault('_url_templates', {})
        key = (type(obj), format)
        if key in templates:
            prefix, suffix = templates[key] or (None, None)
            if prefix is not None:
                return f'{prefix}{pk}{suffix}'
            return super().get_url(obj, view_name, request, format)
        url = super().get_url(obj, view_name, request, format)
        segment = f'/{pk}/'
        at = url.rfind(segment) if url else -1
        templates[key] = (url[: at + 1], url[at + len(segment) - 1 :]) if at >= 0 else None
        return url


class APIURLField(ReverseOnceMixin, NetBoxAPIHyperlinkedIdentityField):
    """NetBox's API URL field (`url`), reversed once per model."""


class UIURLField(ReverseOnceMixin, NetBoxURLHyperlinkedIdentityField):
    """NetBox's page URL field (`display_url`), reversed once per model."""


# NetBox's own URL fields, as every NetBox serializer declares them (without arguments), and their fast twins.
FAST_URL_FIELDS = {NetBoxAPIHyperlinkedIdentityField: APIURLField, NetBoxURLHyperlinkedIdentityField: UIURLField}


def use_fast_url_fields(serializer):
    """Swap NetBox's URL fields of this serializer (an instance, e.g. a NetBox model's nested serializer) for the
    ones that reverse once per model (ReverseOnceMixin): the linked objects of a 1,000-row list are thousands of
    URLs of a few models."""
    for name, field in list(serializer.fields.items()):
        if type(field) in FAST_URL_FIELDS:
            serializer.fields[name] = FAST_URL_FIELDS[type(field)]()


def media_url_prefix():
    """NetBox's /media/ URL without the file's path: the path, quoted (filepath_to_uri), is appended to it.

    Reversed once per serializer field, as ReverseOnceMixin does, instead of once per file.
    """
    return reverse('media', kwargs={'path': '-'})[:-1]


#
# Uploads and storages
#


def is_stored(fieldfile):
    """True when a FileField's file is in the storage (or there is none); False for an upload not saved yet."""
    return fieldfile._committed


def is_new_upload(fieldfile):
    """True when a FileField holds an upload that is not in the storage yet (on create, or replacing the file)."""
    return bool(fieldfile) and not is_stored(fieldfile)


def allows_overwrite(storage):
    """True for Django's file system storage made with allow_overwrite=True (it keeps the option privately)."""
    return bool(getattr(storage, '_allow_overwrite', False))


def s3_object(file):
    """The boto3 Object behind a file opened from django-storages' S3 backend, None for any other file.

    S3File keeps it as `obj` (undocumented), loaded with the storage's download parameters when the file is opened:
    its metadata, not its content, which S3File itself downloads whole on the first read.
    """
    try:
        from storages.backends.s3 import S3File
    except ImportError:  # boto3 is not installed: no file can come from S3
        return None
    return file.obj if isinstance(file, S3File) else None


#
# Forms
#


def forget_content_types(field):
    """Empty the content type look-ups that NetBox's GenericObjectChoiceField caches, after its choice of content
    types changed: it keeps the answers (even "no such type") for the field's life."""
    field._content_type_cache = {}
