"""The private internals of Django, DRF, NetBox and taggit that netbox_attachments/internals.py relies on, pinned
against the installed libraries: when one of them changes underneath, a test here fails and says which trick.

Each test runs the real library; none mocks it. After an upgrade, run this file first: mend the tricks whose tests
fail, then update the versions in internals.py (test_checked_versions says which).
"""

import django
import pytest
import rest_framework
import storages
import taggit
from circuits.api.serializers import CircuitSerializer
from circuits.models import Circuit, CircuitType, Provider
from dcim.api.serializers import DeviceSerializer, SiteSerializer
from dcim.models import Site
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory, override_settings
from django.urls import clear_script_prefix, include, path, reverse, set_script_prefix
from extras.models import CustomField, Tag
from ipam.api.serializers import PrefixSerializer
from ipam.models import Prefix
from netbox import urls as netbox_urls
from netbox.api.exceptions import SerializerNotFound
from netbox.api.serializers import NestedTagSerializer
from netbox.api.serializers.fields import NetBoxAPIHyperlinkedIdentityField, NetBoxURLHyperlinkedIdentityField
from rest_framework import serializers
from rest_framework.request import Request
from utilities.api import get_serializer_for_model
from utilities.forms.fields import GenericObjectChoiceField

from netbox_attachments import internals
from netbox_attachments.api.fields import DownloadURLField
from netbox_attachments.api.serializers import NetBoxAttachmentSerializer
from netbox_attachments.api.views import NetBoxAttachmentViewSet, PageListMixin
from netbox_attachments.internals import (
    FAST_URL_FIELDS,
    APIURLField,
    UIURLField,
    allows_overwrite,
    custom_field_object_cache,
    custom_fields_of,
    fetched_peers,
    forget_content_types,
    has_filters,
    is_new_upload,
    is_prefetched,
    is_stored,
    media_url_prefix,
    s3_object,
    set_prefetched,
    use_fast_url_fields,
    without_prefetch,
)
from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import link, make_attachment, make_device, make_site, make_user
from .helpers import API_ATTACHMENTS

pytestmark = pytest.mark.django_db

# NetBox under a BASE_PATH of 'netbox/': its URL patterns below that prefix, as NetBox's urls.py builds them.
urlpatterns = [path('netbox/', include(netbox_urls.urlpatterns))]
UNDER_BASE_PATH = override_settings(ROOT_URLCONF=__name__)


def api_request(path='/'):
    return Request(RequestFactory().get(path))


#
# The versions the tricks were checked against
#


def test_checked_versions():
    installed = {
        'Django': ('DJANGO_VERSION', '.'.join(map(str, django.VERSION[:2]))),
        'Django REST framework': ('DRF_VERSION', '.'.join(rest_framework.VERSION.split('.')[:2])),
        'NetBox': ('NETBOX_VERSION', '.'.join(settings.RELEASE.version.split('.')[:2])),
        'django-taggit': ('TAGGIT_VERSION', '.'.join(map(str, taggit.VERSION[:2]))),
        'django-storages': ('STORAGES_VERSION', '.'.join(storages.__version__.split('.')[:2])),
    }
    changed = [
        f'{library} is {version}, internals.py was checked against {getattr(internals, constant)} ({constant})'
        for library, (constant, version) in installed.items()
        if getattr(internals, constant) != version
    ]
    assert not changed, (
        '; '.join(changed) + '. Re-run tests/test_internals.py (every other test in it must pass: mend the tricks '
        'it names in netbox_attachments/internals.py), re-run tests/test_query_counts.py and the API bench, then '
        'update these constants in netbox_attachments/internals.py.'
    )


#
# Prefetch caches (Django, taggit)
#


def test_has_filters_is_false_only_for_a_queryset_without_conditions(admin_user):
    viewer = make_user(None, 'netbox_attachments.view_netboxattachment')
    constrained = make_user(
        None, 'netbox_attachments.view_netboxattachment', constraints={'netbox_attachments.netboxattachment': {'pk': 1}}
    )
    assert not has_filters(NetBoxAttachment.objects.restrict(admin_user, 'view'))
    assert not has_filters(NetBoxAttachment.objects.restrict(viewer, 'view'))
    assert has_filters(NetBoxAttachment.objects.restrict(constrained, 'view'))
    assert has_filters(NetBoxAttachment.objects.filter(name='x'))


def test_set_prefetched_tags_are_read_without_a_query(django_assert_num_queries):
    attachment = make_attachment()
    alpha, beta = Tag.objects.create(name='Alpha', slug='alpha'), Tag.objects.create(name='Beta', slug='beta')
    attachment.tags.add(alpha)
    attachment = NetBoxAttachment.objects.get(pk=attachment.pk)
    context = {'request': api_request()}
    assert not is_prefetched(attachment, 'tags')
    set_prefetched(attachment, 'tags', Tag.objects.all(), [beta, alpha])
    assert is_prefetched(attachment, 'tags')
    with django_assert_num_queries(0):
        # taggit's manager answers .all() from Django's prefetch cache, and a queryset whose result cache is set
        # runs no query: as DRF's many=True fields read it (NestedTagSerializer).
        tags = list(attachment.tags.all())
        names = [tag['name'] for tag in NestedTagSerializer(attachment.tags, many=True, context=context).data]
    assert tags == [beta, alpha], (
        'set_prefetched (serializers.preload_tags): taggit no longer reads the rows put in '
        "_prefetched_objects_cache['tags'], or a queryset with _result_cache and _prefetch_done set no longer "
        'yields them without a query'
    )
    assert names == ['Beta', 'Alpha']


def test_set_prefetched_keeps_a_real_prefetch(django_assert_num_queries):
    alpha = Tag.objects.create(name='Alpha', slug='alpha')
    make_attachment().tags.add(alpha)
    (attachment,) = NetBoxAttachment.objects.prefetch_related('tags')
    assert is_prefetched(attachment, 'tags'), (
        "is_prefetched: prefetch_related('tags') no longer fills Django's _prefetched_objects_cache under 'tags'"
    )
    set_prefetched(attachment, 'tags', Tag.objects.all(), [])
    with django_assert_num_queries(0):
        assert list(attachment.tags.all()) == [alpha]


def test_without_prefetch_leaves_tags_out_of_the_list_query(admin_user, django_assert_num_queries):
    view = NetBoxAttachmentViewSet(action_map={'get': 'list'}, format_kwarg=None)
    request = RequestFactory().get(API_ATTACHMENTS)
    request.user = admin_user
    view.request = view.initialize_request(request)
    netbox_queryset = super(PageListMixin, view).get_queryset()
    netbox_lookups = list(netbox_queryset._prefetch_related_lookups)
    assert 'tags' in netbox_lookups, (
        "PageListMixin: NetBox's view set no longer prefetches 'tags' by name in _prefetch_related_lookups; check "
        'how it loads tags now, or whether PageListMixin and serializers.preload_tags are still needed'
    )
    lookups = list(view.get_queryset()._prefetch_related_lookups)
    assert lookups == [lookup for lookup in netbox_lookups if lookup != 'tags']

    alpha = Tag.objects.create(name='Alpha', slug='alpha')
    for _ in range(3):
        link(make_attachment(), make_site()).attachment.tags.add(alpha)
    queryset = NetBoxAttachment.objects.prefetch_related('tags', 'assignments')
    with django_assert_num_queries(3):  # the attachments, their tags, their assignments
        list(queryset)
    with django_assert_num_queries(2):  # the tags' query is gone, the other prefetch stays
        rows = list(without_prefetch(queryset, 'tags'))
    assert all(is_prefetched(row, 'assignments') and not is_prefetched(row, 'tags') for row in rows)
    assert without_prefetch(queryset, 'owner') is queryset


#
# Rows fetched together (Django's FETCH_PEERS)
#


def test_fetched_peers_are_the_rows_of_the_same_query(django_assert_num_queries):
    attachment = make_attachment()
    for _ in range(4):
        link(attachment, make_site())
    rows = list(NetBoxAttachmentAssignment.objects.select_related('object_type'))
    for row in rows:
        assert {id(peer) for peer in fetched_peers(row)} == {id(other) for other in rows}, (
            "fetched_peers: Django's FETCH_PEERS mode no longer keeps the rows fetched together in _state.peers "
            '(weak references): NetBoxAttachmentAssignment.parent would cost a query per row'
        )
    with django_assert_num_queries(1):  # all the linked sites, with the first row's parent
        assert all(isinstance(row.parent, Site) for row in rows)

    alone = list(NetBoxAttachmentAssignment.objects.select_related('object_type').fetch_mode(models.FETCH_ONE))
    assert [fetched_peers(row) for row in alone] == [[]] * 4
    assert fetched_peers(NetBoxAttachmentAssignment()) == []
    with django_assert_num_queries(4):  # the reason for the trick: one query per row otherwise
        assert all(isinstance(row.parent, Site) for row in alone)


#
# Custom field objects (NetBox's CustomFieldsDataField)
#


def object_custom_field():
    from core.models import ObjectType

    custom_field = CustomField.objects.create(
        name='site_ref', type='object', related_object_type=ObjectType.objects.get_for_model(Site)
    )
    custom_field.object_types.set([ObjectType.objects.get_for_model(NetBoxAttachment)])
    return custom_field


def test_custom_fields_of_reads_once_per_field(django_assert_num_queries):
    object_custom_field()
    field = NetBoxAttachmentSerializer(context={'request': api_request()}).fields['custom_fields']
    assert [custom_field.name for custom_field in custom_fields_of(field)] == ['site_ref']
    with django_assert_num_queries(0):
        assert [custom_field.name for custom_field in custom_fields_of(field)] == ['site_ref'], (
            "custom_fields_of: NetBox's CustomFieldsDataField._get_custom_fields no longer keeps the list on the field"
        )


def test_custom_field_objects_are_read_from_the_context_cache(django_assert_num_queries):
    object_custom_field()
    site, other = make_site(), make_site()
    data = {'site_ref': site.pk}
    context = {'request': api_request()}
    field = NetBoxAttachmentSerializer(context=context).fields['custom_fields']
    custom_fields_of(field)  # as preload_custom_field_objects does first
    cache = custom_field_object_cache(context)
    assert custom_field_object_cache(context) is cache
    cache[(Site, site.pk)] = site
    with django_assert_num_queries(0):
        value = field.to_representation(data)['site_ref']
    assert value is not None and value['id'] == site.pk, (
        "custom_field_object_cache: NetBox's CustomFieldsDataField no longer reads object custom field values from "
        "the context's 'cf_object_cache' (keyed (model, pk)): each row would cost a query, or show nothing"
    )
    with django_assert_num_queries(0):
        assert field.to_representation({'site_ref': other.pk})['site_ref'] is None, (
            "custom_field_object_cache: once 'cf_object_cache' exists, NetBox now also looks objects up elsewhere"
        )


#
# URLs reversed once per model (Django, DRF, NetBox)
#


NAMED_SERIALIZERS = [SiteSerializer, DeviceSerializer, PrefixSerializer, CircuitSerializer]


@pytest.mark.parametrize('serializer_class', NAMED_SERIALIZERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize('nested', [True, False], ids=['nested', 'full'])
def test_netbox_url_fields_are_those_the_fast_fields_replace(serializer_class, nested):
    fields = serializer_class(nested=nested).fields
    kinds = {name: type(fields[name]) for name in ('url', 'display_url') if name in fields}
    expected = {'url': NetBoxAPIHyperlinkedIdentityField, 'display_url': NetBoxURLHyperlinkedIdentityField}
    if 'display_url' not in fields:
        del expected['display_url']
    assert kinds == expected, (
        f'use_fast_url_fields: {serializer_class.__name__} declares its URL fields as {kinds}, not as the classes '
        'FAST_URL_FIELDS replaces: linked objects would be reversed once each (slower lists)'
    )


def netbox_serializers():
    for model in apps.get_models():
        if model._meta.app_label == 'netbox_attachments':
            continue
        try:
            serializer_class = get_serializer_for_model(model)
        except SerializerNotFound:
            continue
        for nested in (True, False):
            try:
                serializer = serializer_class(nested=nested)
            except TypeError:  # not a NetBox model serializer (no nested form)
                continue
            yield serializer


def test_every_netbox_url_field_the_fast_fields_replace_takes_no_arguments():
    replaced, with_arguments = 0, []
    for serializer in netbox_serializers():
        for name, field in serializer.fields.items():
            if type(field) in FAST_URL_FIELDS:
                replaced += 1
                if field._args or field._kwargs:
                    with_arguments.append(f'{type(serializer).__name__}.{name}: {field._args} {field._kwargs}')
    assert replaced > 100, f'use_fast_url_fields: only {replaced} NetBox URL fields are of the classes it replaces'
    assert not with_arguments, (
        'use_fast_url_fields swaps these NetBox URL fields for new ones without arguments, which would drop them: '
        + '; '.join(with_arguments)
    )


def real_objects():
    site = make_site()
    device = make_device(site=site)
    prefix = Prefix.objects.create(prefix='10.1.0.0/16')
    provider = Provider.objects.create(name='Provider', slug='provider')
    circuit_type = CircuitType.objects.create(name='Fibre', slug='fibre')
    circuit = Circuit.objects.create(cid='C-1', provider=provider, type=circuit_type)
    return [site, device, prefix, circuit]


def test_fast_url_fields_give_netbox_s_own_representation():
    context = {'request': api_request()}
    for obj in real_objects():
        netbox = get_serializer_for_model(obj)(nested=True, context=context)
        fast = get_serializer_for_model(obj)(nested=True, context=context)
        use_fast_url_fields(fast)
        assert any(type(field) in FAST_URL_FIELDS.values() for field in fast.fields.values())
        assert fast.to_representation(obj) == netbox.to_representation(obj), (
            f'use_fast_url_fields: the swapped fields of {type(netbox).__name__} no longer give NetBox its own URLs'
        )


class URLs(serializers.Serializer):
    url = APIURLField()
    display_url = UIURLField()


class DownloadURL(serializers.Serializer):
    download_url = DownloadURLField()


# Small and large keys, ones that read as parts of the URL ('1' of '/api/...', the template's own key), and keys of
# more digits than the first's.
KEYS = [1, 7, 10, 11, 100, 101, 999_999, 2**31, 2**63 - 1]


def spliced_and_reversed(request=None):
    """For each key, the URLs the fast fields splice and the ones Django reverses."""
    context = {'request': request or api_request()}
    request = context['request']
    spliced, reversed_ = [], []
    sites, attachments = [Site(pk=pk) for pk in KEYS], [NetBoxAttachment(pk=pk) for pk in KEYS]
    urls = URLs(sites, many=True, context=context).data
    downloads = DownloadURL(attachments, many=True, context=context).data
    for pk, row, download in zip(KEYS, urls, downloads, strict=True):
        spliced.append((row['url'], row['display_url'], download['download_url']))
        reversed_.append(
            tuple(
                request.build_absolute_uri(reverse(name, kwargs={'pk': pk}))
                for name in (
                    'dcim-api:site-detail',
                    'dcim:site',
                    'plugins-api:netbox_attachments-api:netboxattachment-download',
                )
            )
        )
    return spliced, reversed_


def assert_spliced_urls_are_reversed_urls(request=None):
    spliced, reversed_ = spliced_and_reversed(request)
    assert spliced == reversed_, (
        "ReverseOnceMixin: a URL spliced from the first object's no longer equals Django's reverse() for the others"
    )


def test_spliced_urls_equal_django_s_reverse():
    assert_spliced_urls_are_reversed_urls()


def test_spliced_urls_equal_django_s_reverse_under_a_script_prefix():
    set_script_prefix('/netbox/')
    try:
        spliced, _ = spliced_and_reversed()
        assert spliced[0][0] == 'http://testserver/netbox/api/dcim/sites/1/'
        assert_spliced_urls_are_reversed_urls()
    finally:
        clear_script_prefix()


@UNDER_BASE_PATH
def test_spliced_urls_equal_django_s_reverse_under_a_base_path():
    spliced, _ = spliced_and_reversed(api_request('/netbox/api/'))
    assert spliced[0][0] == 'http://testserver/netbox/api/dcim/sites/1/'
    assert_spliced_urls_are_reversed_urls(api_request('/netbox/api/'))


@pytest.mark.parametrize('under_base_path', [False, True], ids=['root', 'base-path'])
def test_media_url_prefix_is_django_s_reverse_without_the_path(under_base_path):
    with override_settings(ROOT_URLCONF=__name__ if under_base_path else settings.ROOT_URLCONF):
        for name in ('netbox-attachments/plan.pdf', 'netbox-attachments/a_b-c.1.tar.gz', 'image-attachments/x.png'):
            assert media_url_prefix() + name == reverse('media', kwargs={'path': name}), (
                "media_url_prefix: NetBox's 'media' URL no longer ends with the file's path"
            )
        assert media_url_prefix() == ('/netbox/media/' if under_base_path else '/media/')


#
# Uploads and storages (Django)
#


def test_a_new_upload_is_not_stored_until_saved():
    attachment = NetBoxAttachment(file=ContentFile(b'new', name='new.txt'))
    assert is_new_upload(attachment.file) and not is_stored(attachment.file), (
        "is_new_upload: Django's FieldFile._committed is no longer False for a file assigned but not saved"
    )
    attachment.save()
    assert is_stored(attachment.file) and not is_new_upload(attachment.file), (
        "is_stored: Django's FieldFile._committed is no longer True once the file is in the storage"
    )
    again = NetBoxAttachment.objects.get(pk=attachment.pk)
    assert is_stored(again.file) and not is_new_upload(again.file)
    again.file = SimpleUploadedFile('replacement.txt', b'replacement')
    assert is_new_upload(again.file) and not is_stored(again.file)
    assert not is_new_upload(NetBoxAttachment().file)


def test_allows_overwrite_is_what_the_storage_does(tmp_path):
    for allow in (False, True):
        storage = FileSystemStorage(location=tmp_path / str(allow), allow_overwrite=allow)
        assert allows_overwrite(storage) is allow, (
            "allows_overwrite: Django's FileSystemStorage no longer keeps allow_overwrite as _allow_overwrite"
        )
        first, second = storage.save('same.txt', ContentFile(b'1')), storage.save('same.txt', ContentFile(b'2'))
        assert (first == second) is allow
    assert allows_overwrite(FileSystemStorage(location=tmp_path)) is False


def test_s3_object_is_the_s3_files_object_handle(s3_storage, tmp_path):
    from django.core.files.storage import default_storage

    name = default_storage.save('netbox-attachments/pinned.txt', ContentFile(b'0123456789'))
    with default_storage.open(name, 'rb') as file:
        obj = s3_object(file)
        assert obj is not None, "s3_object: django-storages' S3File no longer keeps its boto3 Object as `obj`"
        assert obj.key == f'media/{name}' and obj.content_length == 10
        assert obj.get(Range='bytes=2-4')['Body'].read() == b'234'
    local_storage = FileSystemStorage(location=tmp_path)
    with local_storage.open(local_storage.save('local.txt', ContentFile(b'1')), 'rb') as local:
        assert s3_object(local) is None


#
# Forms (NetBox's GenericObjectChoiceField)
#


def test_forget_content_types_clears_generic_object_choice_field_s_cache():
    site_type = ContentType.objects.get_for_model(Site)
    field = GenericObjectChoiceField(content_type_queryset=ContentType.objects.none())
    assert field._get_content_type(site_type.pk) is None
    field.content_type_queryset = ContentType.objects.filter(pk=site_type.pk)
    assert field._get_content_type(site_type.pk) is None, (
        "forget_content_types: NetBox's GenericObjectChoiceField no longer caches content type look-ups (check "
        'whether InScopeObjectMixin still needs to call it)'
    )
    forget_content_types(field)
    assert field._get_content_type(site_type.pk) == site_type, (
        "forget_content_types: clearing _content_type_cache no longer makes NetBox's GenericObjectChoiceField look "
        'the content type up again'
    )
