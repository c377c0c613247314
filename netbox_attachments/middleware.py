"""Request-wide rules: NetBox's /media/ URL serves attachment files only by the download rule, and an upload that
no committed record ended up owning leaves no file behind."""

import re

from django.conf import settings
from django.http import Http404, HttpResponseForbidden
from netbox.views.misc import MediaView

from .storage import UPLOAD_FOLDER, removing_unclaimed_uploads

# Percent-encoded '.', '/' and '\' left after the server decoded the path once: a double-encoded traversal.
ENCODED_SEPARATOR = re.compile(r'%(2e|2f|5c)', re.IGNORECASE)


def is_plain_media_path(path):
    """True when a /media/ path names a file without any way of stepping out of a folder.

    NetBox's media view normalises '..' away only partly: a path starting with '../media/' is joined with a
    MEDIA_ROOT that ends in 'media' and lands back inside it, past every folder check. No stored name has dot
    segments, empty segments, backslashes, NUL or encoded separators, so such paths are refused outright.
    """
    segments = path.split('/')
    return not (
        any(segment in ('', '.', '..') for segment in segments)
        or '\\' in path
        or '\x00' in path
        or ENCODED_SEPARATOR.search(path)
    )


class MediaGuardMiddleware:
    """Applies the download rule to NetBox's /media/ view.

    NetBox checks object permissions only for its own upload folders and serves any other file to any logged-in
    user. This serves an attachment's file only to a user who may view the attachment, with the response of the
    API's download (headers, ranges, ETag); everyone else gets 404, as for a file that does not exist. It looks at
    the request after URL resolution (process_view), so it judges the path that is actually served, whatever the
    request's script prefix or spelling.

    The user is found as NetBox's media view finds it: the session, else an API token (v1 or v2), so a script that
    may download an attachment through the API may fetch its /media/ URL with the same token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, 'view_class', None) is not MediaView:
            return None
        path = view_kwargs.get('path', '')
        if not is_plain_media_path(path):
            raise Http404  # for every folder of /media/, NetBox's own included
        # Case-insensitively: a media volume that ignores case (SMB, some bind mounts) serves the folder under any.
        folder = path.split('/', 1)[0].casefold()
        # Other methods are MediaView's to answer (405), as before this middleware served files itself.
        if folder == UPLOAD_FOLDER.casefold() and request.method in ('GET', 'HEAD'):
            from .access import visible_attachments
            from .downloads import serve_attachment

            user = request.user
            if not user.is_authenticated and 'Authorization' in request.headers:
                from netbox.api.authentication import TokenAuthentication
                from rest_framework.exceptions import AuthenticationFailed

                try:
                    user = (TokenAuthentication().authenticate(request) or (user,))[0]
                except AuthenticationFailed:
                    return HttpResponseForbidden('Invalid token')
            if not user.is_authenticated and settings.LOGIN_REQUIRED:
                return None  # MediaView sends the client to the login page, as for any /media/ path
            attachment = visible_attachments(user).filter(file=path).first()
            if attachment is None:
                raise Http404
            # Served as the API serves it, not by NetBox's MediaView: Django's static serve would send a .gz file
            # with Content-Encoding: gzip (clients then unpack it) and without our safety headers.
            return serve_attachment(request, attachment)
        return None


class UnclaimedUploadsMiddleware:
    """Deletes, at the end of each request, the files stored during it that no committed attachment names: uploads
    refused by a permission check, a failed link or any other rollback (see storage.removing_unclaimed_uploads)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with removing_unclaimed_uploads():
            return self.get_response(request)
