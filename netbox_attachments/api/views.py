import json
from datetime import UTC, datetime

from django.db import IntegrityError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from extras.models import ImageAttachment
from netbox.api.viewsets import NetBoxModelViewSet
from rest_framework import exceptions, renderers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet
from utilities.exceptions import AbortRequest

from .. import filtersets
from ..access import assignment_count, visible_assignments_prefetch, visible_objects, visible_to
from ..downloads import serve_attachment, serve_image
from ..internals import without_prefetch
from ..models import ALREADY_LINKED, UNIQUE_ASSIGNMENT, NetBoxAttachment, NetBoxAttachmentAssignment
from ..scope import setting
from ..signed_links import LinkRefused, lifetime, make_link, resolve_link
from ..storage import upload_too_large_message
from .serializers import NetBoxAttachmentAssignmentSerializer, NetBoxAttachmentSerializer, SignedLinkSerializer

# Allowance for the multipart envelope around the file (boundaries, part headers, the other form fields).
MULTIPART_OVERHEAD = 1024 * 1024
# The actions that serve one object's file, which need none of the list machinery.
FILE_ACTIONS = ('download', 'signed_link')


class BinaryRenderer(renderers.BaseRenderer):
    """Lets a download be asked for with any Accept header; an error on the way is still rendered as JSON."""

    media_type = '*/*'
    format = 'binary'
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if data is not None else b''


class UploadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = 'upload_too_large'


def signed_link_response(request, kind, obj):
    if not request.user.is_authenticated:
        # A link is bound to a user, whose permission is checked on every use; an anonymous one would never work.
        raise exceptions.NotAuthenticated('Signed links are issued to signed-in users and API tokens only.')
    requested = request.query_params.get('expires_in')
    try:
        expires_in = int(requested) if requested else None
        if expires_in is not None and not 0 < expires_in <= lifetime():
            raise ValueError
    except ValueError:
        raise exceptions.ValidationError(
            {'expires_in': [f'Give a whole number of seconds from 1 to {lifetime()} (signed_link_lifetime).']}
        ) from None
    url, expires_at = make_link(request, kind, obj, expires_in)
    return Response(
        SignedLinkSerializer(
            {'url': url, 'expires': datetime.fromtimestamp(expires_at, UTC), 'expires_in': expires_in or lifetime()}
        ).data
    )


FILE_PARAMETERS = [
        OpenApiParameter(
            'inline',
            OpenApiTypes.BOOL,
            description='Display in the browser instead of saving, '
            'for the types listed in inline_content_types; others are always sent as a download.',
        ),
        OpenApiParameter('Range', OpenApiTypes.STR, OpenApiParameter.HEADER, description='A single byte range'),
]  # fmt: skip
# NetBox's schema offers these on every GET; they mean nothing for file bytes or a signed link.
NOT_FOR_FILES = [OpenApiParameter(name, exclude=True) for name in ('brief', 'fields', 'omit', 'format')]
FILE_PARAMETERS += NOT_FOR_FILES
FILE_RESPONSES = {
    (200, '*/*'): OpenApiResponse(OpenApiTypes.BINARY, description='The file'),
    (206, '*/*'): OpenApiResponse(OpenApiTypes.BINARY, description='The requested byte range'),
    302: OpenApiResponse(
        description="With file_offload 'presigned' on S3-compatible storage: a short-lived presigned URL of the bucket "
        'that sends the file (Location)'
    ),
    304: OpenApiResponse(description='Not modified (If-None-Match / If-Modified-Since)'),
    412: OpenApiResponse(description='Precondition failed (If-Match / If-Unmodified-Since)'),
    416: OpenApiResponse(description='The range is not satisfiable'),
}
DOWNLOAD_SCHEMA = extend_schema(
    parameters=FILE_PARAMETERS,
    responses={
        **FILE_RESPONSES,
        403: OpenApiResponse(description='No view permission on this kind of object at all'),
        404: OpenApiResponse(description='No such object, no permission to view it, or its file is missing'),
    },
)
SIGNED_LINK_SCHEMA = extend_schema(
    parameters=[
        *NOT_FOR_FILES,
        OpenApiParameter(
            'expires_in',
            OpenApiTypes.INT,
            description='Lifetime in seconds, at most the configured signed_link_lifetime (its default)',
        ),
    ],  # fmt: skip
    responses={
        200: SignedLinkSerializer,
        400: OpenApiResponse(description='expires_in is not a whole number from 1 to signed_link_lifetime'),
        403: OpenApiResponse(description='Not signed in, or no view permission on this kind of object at all'),
        404: OpenApiResponse(description='No such object, or no permission to view it'),
    },
)


# What owns a file, by the kind named in signed links: its model and how its file is served.
FILE_KINDS = {'attachment': (NetBoxAttachment, serve_attachment), 'image': (ImageAttachment, serve_image)}


class FileActionsMixin:
    """download/ and signed-link/ actions for a view set whose objects own a file (file_kind says which kind)."""

    file_kind = None

    def get_queryset(self):
        if self.action in FILE_ACTIONS:
            # Serving a file needs the row alone: no prefetched links, tags or custom fields. BaseViewSet.initial()
            # has already restricted the queryset to what the user may view.
            return self.queryset
        return super().get_queryset()

    def filter_queryset(self, queryset):
        # List filters don't apply to one object's file, and building the filter set costs more than sending a
        # small file.
        return queryset if self.action in FILE_ACTIONS else super().filter_queryset(queryset)

    @DOWNLOAD_SCHEMA
    @action(detail=True, methods=['get'], renderer_classes=[renderers.JSONRenderer, BinaryRenderer])
    def download(self, request, pk, format=None):  # format: DRF's suffix routes (download.json) pass it
        """The file's bytes, for session or API token users who may view this object."""
        serve = FILE_KINDS[self.file_kind][1]
        return serve(request, self.get_object())

    @SIGNED_LINK_SCHEMA
    @action(detail=True, methods=['get'], url_path='signed-link')
    def signed_link(self, request, pk, format=None):
        """A URL that serves this object's file without session or token until it expires."""
        return signed_link_response(request, self.file_kind, self.get_object())


def contains_nul(value):
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(map(contains_nul, value))
    return False


class StrictRequestsMixin:
    """Answers requests that NetBox's generic API code would fail on, or answer in a shape the schema does not
    describe, with a 400 that says why (NetBox's own endpoints behave the same; the plugin's keep their schema):

    - a NUL character in a query or body value (PostgreSQL refuses it: a server error);
    - an empty list for a bulk create (the schema describes a created object);
    - `fields` or `omit` naming no field of the representation (an empty object);
    - `brief` is a boolean: `brief=false` gives the full representation.
    Links inside a response never carry the format suffix of its request (netbox-attachments.json): NetBox's URL
    names have no suffix routes for them, and reversing one fails.
    """

    def initialize_request(self, request, *args, **kwargs):
        drf_request = super().initialize_request(request, *args, **kwargs)
        self.brief = bool(self.brief) and request.GET.get('brief', '').lower() in ('1', 'true', 'yes', 'on')
        return drf_request

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if contains_nul(dict(request.query_params.lists())):
            raise exceptions.ParseError('Values cannot contain NUL characters.')
        if request.method in ('POST', 'PUT', 'PATCH'):
            if contains_nul(request.data):
                raise exceptions.ParseError('Values cannot contain NUL characters.')
            if request.data == []:
                raise exceptions.ParseError('Send one object, or a list of at least one.')
        for param in ('fields', 'omit'):
            if names := [name for name in request.query_params.get(param, '').split(',') if name.strip()]:
                unknown = sorted(set(names) - set(self.get_serializer_class()().fields))
                if unknown:
                    raise exceptions.ValidationError({param: [f'No such field: {", ".join(unknown)}.']})

    def get_serializer_context(self):
        return {**super().get_serializer_context(), 'format': None}


class PageListMixin:
    """List responses load tags themselves (see serializers.preload_tags), so the list query leaves them out."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return without_prefetch(queryset, 'tags') if self.action == 'list' else queryset


#
# Attachments
#


@extend_schema_view(
    # A file can't travel in JSON: creating or replacing the whole attachment takes a multipart upload.
    create=extend_schema(request={'multipart/form-data': NetBoxAttachmentSerializer}),
    update=extend_schema(request={'multipart/form-data': NetBoxAttachmentSerializer}),
)
class NetBoxAttachmentViewSet(FileActionsMixin, StrictRequestsMixin, PageListMixin, NetBoxModelViewSet):
    queryset = NetBoxAttachment.objects.all()
    file_kind = 'attachment'
    serializer_class = NetBoxAttachmentSerializer
    filterset_class = filtersets.NetBoxAttachmentFilterSet
    # The serializer's plain fields, as DRF would allow by default, plus the annotated link count.
    ordering_fields = (
        'id', 'name', 'description', 'file', 'size', 'content_type', 'sha256', 'comments', 'created', 'last_updated',
        'assignment_count',
    )  # fmt: skip

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in FILE_ACTIONS:  # a download needs the file only
            return queryset
        return queryset.annotate(assignment_count=assignment_count())

    @property
    def field_prefetches(self):
        # The nested links are those the reader may view, as on the assignment endpoint.
        return {('assignments',): [visible_assignments_prefetch(self.request.user)]}

    def initial(self, request, *args, **kwargs):
        # Refuse an oversized upload from its Content-Length, before any of its body is read or stored.
        limit = setting('max_upload_size')
        length = request.META.get('CONTENT_LENGTH') or ''
        is_upload = limit and request.method in ('POST', 'PUT', 'PATCH') and length.isdigit()
        if is_upload and (len(length) > 18 or int(length) > limit + MULTIPART_OVERHEAD):
            raise UploadTooLarge(upload_too_large_message(limit))
        super().initial(request, *args, **kwargs)


#
# Assignments
#


class NetBoxAttachmentAssignmentViewSet(StrictRequestsMixin, PageListMixin, NetBoxModelViewSet):
    queryset = NetBoxAttachmentAssignment.objects.select_related('attachment', 'object_type')
    serializer_class = NetBoxAttachmentAssignmentSerializer
    filterset_class = filtersets.NetBoxAttachmentAssignmentFilterSet

    def perform_create(self, serializer):
        # clean() refuses duplicates; when two requests race past it, the database constraint decides.
        try:
            super().perform_create(serializer)
        except IntegrityError as exc:
            if UNIQUE_ASSIGNMENT in str(exc):
                raise AbortRequest(str(ALREADY_LINKED)) from None
            raise


#
# NetBox's image attachments
#


class ImageAttachmentFileViewSet(FileActionsMixin, GenericViewSet):
    """The files of NetBox's own image attachments, under the same rules as attachments."""

    queryset = ImageAttachment.objects.all()
    serializer_class = SignedLinkSerializer
    file_kind = 'image'

    def get_queryset(self):
        return visible_to(self.request.user, ImageAttachment.objects.all())


#
# Signed links
#


def viewable_files(kind, user):
    return visible_objects(user, FILE_KINDS[kind][0])


class SignedDownloadView(GenericViewSet):
    """Serves the file a signed link names. The link is the credential: no session or token is needed."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [renderers.JSONRenderer, BinaryRenderer]

    @extend_schema(
        auth=[],
        parameters=FILE_PARAMETERS,
        responses={
            **FILE_RESPONSES,
            403: OpenApiResponse(description='The link was altered, has expired, or its user lost the permission'),
            404: OpenApiResponse(description='The file is missing from the storage'),
        },
    )
    def retrieve(self, request, token):
        try:
            kind, obj = resolve_link(token, viewable_files)
        except LinkRefused as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        serve = FILE_KINDS[kind][1]
        return serve(request, obj)
