"""Guards NetBox's /media/ URL for attachment files.

NetBox's media view checks object permissions only for its own upload folders and serves any other file to any
logged-in user. This middleware applies the download rule to the attachments folder: the file is served only to a
user who may view the attachment that owns it; everyone else gets 404, as for a file that does not exist.

The user is found as NetBox's media view finds it: the session, else an API token (v1 or v2), so a script that may
download an attachment through the API may fetch its /media/ URL with the same token.
"""

import posixpath

from django.conf import settings
from django.http import Http404, HttpResponseForbidden

from .storage import UPLOAD_FOLDER


def attachment_file_name(path):
    """The storage name a /media/ request path points at, when it is inside the attachments folder; else None."""
    if not path.startswith(settings.MEDIA_URL):
        return None
    # Normalised exactly as NetBox's media view does (request.path is already percent-decoded; decoding again would
    # name a different file than the one served), so 'other/../netbox-attachments/x' cannot slip past.
    name = posixpath.normpath(path[len(settings.MEDIA_URL) :]).lstrip('/')
    return name if name == UPLOAD_FOLDER or name.startswith(f'{UPLOAD_FOLDER}/') else None


class AttachmentMediaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (name := attachment_file_name(request.path)) is not None:
            from .models import NetBoxAttachment

            if '\x00' in name:
                raise Http404  # no stored name holds a NUL, and PostgreSQL refuses one in a query
            user = request.user
            if not user.is_authenticated and 'Authorization' in request.headers:
                from netbox.api.authentication import TokenAuthentication
                from rest_framework.exceptions import AuthenticationFailed

                try:
                    user = (TokenAuthentication().authenticate(request) or (user,))[0]
                except AuthenticationFailed:
                    return HttpResponseForbidden('Invalid token')
            if not NetBoxAttachment.objects.restrict(user, 'view').filter(file=name).exists():
                raise Http404
        return self.get_response(request)
