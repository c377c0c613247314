"""Short-lived signed download links, for places that cannot send a session cookie or a token (<img>, <iframe>).

A link names what it serves (an attachment or one of NetBox's image attachments), the user who asked for it and
its expiry, signed with SECRET_KEY. It carries no permission of its own: each use re-checks that the user still
exists, is active and may view the object, so revoking a permission revokes the links too.
"""

import time

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import setting

SALT = 'netbox_attachments.signed-link'
# No setting may make a link live longer than this: a leaked link must not stay useful for long.
MAX_LIFETIME = 3600
KINDS = ('attachment', 'image')

INVALID = _('This download link is not valid: it was altered or was not issued by this server.')
EXPIRED = _('This download link has expired. Ask for a new one.')
REVOKED = _('The user who asked for this download link may no longer view this file.')


class LinkRefused(Exception):
    """A signed link that must not be served; the message says why."""


def lifetime():
    return min(int(setting('signed_link_lifetime')), MAX_LIFETIME)


def make_link(request, kind, obj, expires_in=None):
    """The absolute URL and expiry (epoch seconds) of a signed link to obj's file for request.user."""
    assert kind in KINDS
    expires_at = int(time.time()) + min(expires_in or lifetime(), lifetime())
    token = signing.dumps({'k': kind, 'o': obj.pk, 'u': request.user.pk, 'e': expires_at}, salt=SALT)
    path = reverse('plugins-api:netbox_attachments-api:signed_download', kwargs={'token': token})
    return request.build_absolute_uri(path), expires_at


def resolve_link(token, queryset_for):
    """The kind and object a signed link serves, checked now; raises LinkRefused with the reason.

    queryset_for(kind, user) gives the objects of that kind the user may view.
    """
    try:
        payload = signing.loads(token, salt=SALT)
        kind, pk, user_pk, expires_at = payload['k'], payload['o'], payload['u'], payload['e']
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkRefused(INVALID) from None
    if kind not in KINDS:
        raise LinkRefused(INVALID)
    if time.time() >= expires_at:
        raise LinkRefused(EXPIRED)
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    obj = queryset_for(kind, user).filter(pk=pk).first() if user is not None else None
    if obj is None:
        raise LinkRefused(REVOKED)
    return kind, obj
