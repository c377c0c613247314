"""One permission matrix over every URL of the plugin.

The promise: nobody gets a file, or the name of an object, that they may not see, by any URL. Each cell asks one
URL as one role and looks for secret markers in the status line, every header (Content-Disposition, Location...)
and the whole body, streaming bodies read out. test_every_plugin_route_is_in_the_matrix walks the URLconf so a new
route cannot be forgotten.

The data is made once for the module inside a transaction that is rolled back at the end (as Django's
TestCase.setUpTestData does); each cell runs in its own savepoint on top, as every pytest-django test does.
"""

import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, reverse

from netbox_attachments import signed_links

from .factories import link, make_attachment, make_device, make_site, make_user
from .helpers import body, plugin_config

pytestmark = pytest.mark.django_db

#
# Markers: strings that must not come back to a role that may not see what they name
#

S_NAME = 'SECRET-ATTACHMENT-NAME'
A_NAME = 'Visible doc'
S_BYTES = 'SECRET-FILE-BYTES'
A_BYTES = 'visible-bytes'
S_FILE = 'secret.txt'
A_FILE = 'visible.txt'
HIDDEN = 'HIDDEN-DEVICE-NAME'
IMAGE_BYTES = 'SECRET-IMAGE-BYTES'  # trailing data of NetBox's image attachment; no role here may view it

EVERYTHING = (S_NAME, A_NAME, S_BYTES, A_BYTES, S_FILE, A_FILE, HIDDEN, IMAGE_BYTES)

#
# Roles
#

VIEW_ATTACHMENT = 'netbox_attachments.view_netboxattachment'
VIEW_LINK = 'netbox_attachments.view_netboxattachmentassignment'
VIEW_OBJECTS = ('dcim.view_site', 'dcim.view_device')
WRITE_WITHOUT_VIEW = tuple(
    f'netbox_attachments.{action}_{model}'
    for action in ('add', 'change', 'delete')
    for model in ('netboxattachment', 'netboxattachmentassignment')
)

# role: (permissions, constraints, forbidden markers); permissions None means not signed in.
ROLES = {
    'anonymous': (None, None, EVERYTHING),
    'no-permission': (('dcim.view_site',), None, EVERYTHING),
    # Sees A, its bytes and its file name, and both devices; never S.
    'constrained-view': (
        (VIEW_ATTACHMENT, VIEW_LINK, *VIEW_OBJECTS),
        {'netbox_attachments.netboxattachment': {'name__startswith': 'Visible'}},
        (S_NAME, S_BYTES, S_FILE, IMAGE_BYTES),
    ),
    # Sees both attachments and all their links, but not the device one of the links points at.
    'view-without-linked-object': (
        (VIEW_ATTACHMENT, VIEW_LINK, *VIEW_OBJECTS),
        {'dcim.device': {'name': 'visible-router'}},
        (HIDDEN, IMAGE_BYTES),
    ),
    'add-without-view': (WRITE_WITHOUT_VIEW, None, EVERYTHING),
}
# Only asked the /media/ cells: even a superuser must get 404 for a path that is not the file's own path.
SUPERUSER = 'superuser'
FORBIDDEN = {role: forbidden for role, (_, _, forbidden) in ROLES.items()} | {SUPERUSER: ()}

#
# The module's data
#

PNG = (
    b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89'
    b'\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82'
)


def build_world(media):
    from core.models import ObjectType
    from django.contrib.auth import get_user_model
    from extras.models import ImageAttachment, JournalEntry
    from netbox.context_managers import event_tracking
    from netbox.search.backends import search_backend
    from users.models import Token

    admin = get_user_model().objects.create_superuser('matrix-admin', 'matrix@example.com', 'pw')
    request = RequestFactory().get('/')
    request.id, request.user = uuid.uuid4(), admin
    # Made as through a request, so the changelog tabs have entries (whose object_repr holds the names).
    with event_tracking(request):
        site = make_site('visible-site')
        router = make_device('visible-router', site=site)
        hidden = make_device(HIDDEN, site=site)
        a = make_attachment(filename=A_FILE, content=A_BYTES.encode(), name=A_NAME)
        s = make_attachment(filename=S_FILE, content=S_BYTES.encode(), name=S_NAME)
        links = {
            'A-site': link(a, site),
            'A-router': link(a, router),
            'A-hidden': link(a, hidden),
            'S-router': link(s, router),
            'S-hidden': link(s, hidden),
        }
        image = ImageAttachment.objects.create(
            object_type=ObjectType.objects.get_for_model(router),
            object_id=router.pk,
            name='router photo',
            image=SimpleUploadedFile('photo.png', PNG + IMAGE_BYTES.encode()),
        )
        for obj in (a, s, *links.values()):
            JournalEntry.objects.create(assigned_object=obj, created_by=admin, comments=f'note on {obj}')
    # NetBox indexes for its global search once the transaction commits, which this one never does: index now.
    for obj in (site, router, hidden, a, s):
        search_backend.cache(obj)
    assert s.file.name == f'netbox-attachments/{S_FILE}' and a.file.name == f'netbox-attachments/{A_FILE}'

    users, headers, sessions = {SUPERUSER: admin}, {}, {}
    for role, (permissions, constraints, _) in ROLES.items():
        if permissions is not None:
            users[role] = make_user(f'matrix-{role}', *permissions, constraints=constraints)
    for role, user in users.items():
        client = Client()
        client.force_login(user)  # once per role, not once per cell
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        for version in (1, 2):
            token = Token.objects.create(user=user, version=version)
            headers[role, f'token-v{version}'] = token.get_auth_header_prefix() + token.token
    for version in (1, 2):  # a role that is not signed in sends a token that does not exist
        headers['anonymous', f'token-v{version}'] = 'Token 0123456789abcdef0123456789abcdef01234567'
    return SimpleNamespace(
        media=media,
        site=site,
        router=router,
        hidden=hidden,
        A=a,
        S=s,
        links=links,
        image=image,
        device_type=ObjectType.objects.get_for_model(router).pk,
        users=users,
        headers=headers,
        sessions=sessions,
    )


@pytest.fixture(scope='module')
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # MEDIA_ROOT ends in 'media', as in the test settings: that is what makes '..' land back in the media folder.
    media = tmp_path_factory.mktemp('matrix') / 'media'
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=str(media)):  # conftest's fast password hasher applies here too
                data = build_world(media)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media_root(world, settings):
    """Overrides conftest's: every cell reads the files the module stored."""
    settings.MEDIA_ROOT = str(world.media)
    return world.media


#
# The cells
#

UI = 'plugins:netbox_attachments:'
API = 'plugins-api:netbox_attachments-api:'
FORMAT = '.<format>'  # route key suffix of DRF's format suffix patterns


@dataclass(frozen=True)
class Case:
    id: str
    route: str  # the plugin route key it covers ('' for a URL outside the plugin)
    path: object  # world -> path; for kind 'signed', (world, user pk) -> path
    kind: str = 'ui'  # ui (login page for anonymous), api (401/403 for anonymous), signed, media
    post: object = None  # world -> form data, for a POST
    auth: str = 'session'  # session, token-v1, token-v2
    environ: dict = field(default_factory=dict)
    plugin_config: dict | None = None
    traversal: bool = False  # a /media/ path that is not a file's own path: 404 for everyone
    follow_signed_link: bool = False

    def __repr__(self):
        return self.id


def ui_path(name, query='', **kwargs):
    return reverse(UI + name, kwargs=kwargs or None) + query


def api_path(name, query='', **kwargs):
    return reverse(API + name, kwargs=kwargs or None) + query


def panel(w, obj):
    return ui_path('netboxattachment_panel_list', f'?object_type_id={w.device_type}&object_id={obj.pk}')


def bulk(ids, list_name):
    return lambda w: {'pk': ids(w), 'return_url': ui_path(list_name)}


def attachment_ids(w):
    return [w.A.pk, w.S.pk]


def link_ids(w):
    return [x.pk for x in w.links.values()]


def mint(kind, pk, user_pk):
    """A signed link as the server would issue it to that user, whether or not the user could have asked for it."""
    token = signing.dumps({'k': kind, 'o': pk, 'u': user_pk, 'e': int(time.time()) + 300}, salt=signed_links.SALT)
    return api_path('signed_download', token=token)


def ui_cases():
    cases = []
    for query in ('', '?export', '?export=table', '?object_type=dcim.device', '?q=SECRET'):
        cases.append(Case(f'netboxattachment_list{query}', UI + 'netboxattachment_list', lambda w, q=query: ui_path(
            'netboxattachment_list', q)))  # fmt: skip
    cases.append(Case(
        'netboxattachment_list?object_type_id&object_id=hidden', UI + 'netboxattachment_list',
        lambda w: ui_path('netboxattachment_list', f'?object_type_id={w.device_type}&object_id={w.hidden.pk}'),
    ))  # fmt: skip
    for which in ('A', 'S'):
        for name in ('', '_edit', '_delete', '_changelog', '_journal', '_download'):
            route = f'netboxattachment{name}'
            cases.append(Case(f'{route}({which})', UI + route, lambda w, r=route, x=which: ui_path(
                r, pk=getattr(w, x).pk)))  # fmt: skip
    cases += [
        Case('netboxattachment_download(S)?inline=1', UI + 'netboxattachment_download',
             lambda w: ui_path('netboxattachment_download', '?inline=1', pk=w.S.pk)),
        Case('netboxattachment_add', UI + 'netboxattachment_add', lambda w: ui_path('netboxattachment_add')),
        Case('netboxattachment_add?link_to=hidden', UI + 'netboxattachment_add', lambda w: ui_path(
            'netboxattachment_add', f'?link_to_content_type={w.device_type}&link_to_object_id={w.hidden.pk}')),
        Case('netboxattachment_bulk_import', UI + 'netboxattachment_bulk_import',
             lambda w: ui_path('netboxattachment_bulk_import')),
        Case('netboxattachment_manager', UI + 'netboxattachment_manager',
             lambda w: ui_path('netboxattachment_manager')),
        Case('netboxattachment_bulk_edit', UI + 'netboxattachment_bulk_edit',
             lambda w: ui_path('netboxattachment_bulk_edit'), post=bulk(attachment_ids, 'netboxattachment_list')),
        Case('netboxattachment_bulk_delete', UI + 'netboxattachment_bulk_delete',
             lambda w: ui_path('netboxattachment_bulk_delete'), post=bulk(attachment_ids, 'netboxattachment_list')),
        Case('netboxattachment_bulk_delete?_all', UI + 'netboxattachment_bulk_delete',
             lambda w: ui_path('netboxattachment_bulk_delete'),
             post=lambda w: {'_all': 'on', 'pk': [w.A.pk], 'return_url': ui_path('netboxattachment_list')}),
    ]  # fmt: skip
    assignment_list = UI + 'netboxattachmentassignment_list'
    for query in ('', '?export', '?export=table', '?object_type=dcim.device'):
        cases.append(Case(f'netboxattachmentassignment_list{query}', assignment_list, lambda w, q=query: ui_path(
            'netboxattachmentassignment_list', q)))  # fmt: skip
    cases += [
        Case('netboxattachmentassignment_list?attachment_id=S', assignment_list,
             lambda w: ui_path('netboxattachmentassignment_list', f'?attachment_id={w.S.pk}')),
        Case('netboxattachmentassignment_list?object_type_id&object_id=hidden', assignment_list,
             lambda w: ui_path('netboxattachmentassignment_list',
                               f'?object_type_id={w.device_type}&object_id={w.hidden.pk}')),
    ]  # fmt: skip
    # The table of a device's tab and panel: the assignment list embedded for one object.
    for device in ('router', 'hidden'):
        cases.append(Case(f'netboxattachmentassignment_list?embedded&object={device}', assignment_list,
                          lambda w, d=device: ui_path('netboxattachmentassignment_list',
                                                      f'?embedded=True&object_type_id={w.device_type}'
                                                      f'&object_id={getattr(w, d).pk}')))  # fmt: skip
    for key in ('A-site', 'A-router', 'A-hidden', 'S-router', 'S-hidden'):
        # Every link's changelog and journal; its page, edit and delete forms for the links to hide something.
        names = (
            ('_changelog', '_journal')
            if key in ('A-site', 'A-router')
            else ('', '_edit', '_delete', '_changelog', '_journal')
        )
        for name in names:
            route = f'netboxattachmentassignment{name}'
            cases.append(Case(f'{route}({key})', UI + route, lambda w, r=route, k=key: ui_path(
                r, pk=w.links[k].pk)))  # fmt: skip
    cases += [
        Case('netboxattachmentassignment_add', UI + 'netboxattachmentassignment_add',
             lambda w: ui_path('netboxattachmentassignment_add')),
        Case('netboxattachmentassignment_add?attachment=S', UI + 'netboxattachmentassignment_add',
             lambda w: ui_path('netboxattachmentassignment_add', f'?attachment={w.S.pk}')),
        Case('netboxattachmentassignment_add?parent=hidden', UI + 'netboxattachmentassignment_add',
             lambda w: ui_path('netboxattachmentassignment_add',
                               f'?parent_content_type={w.device_type}&parent_object_id={w.hidden.pk}')),
        Case('netboxattachmentassignment_bulk_edit', UI + 'netboxattachmentassignment_bulk_edit',
             lambda w: ui_path('netboxattachmentassignment_bulk_edit'),
             post=bulk(link_ids, 'netboxattachmentassignment_list')),
        Case('netboxattachmentassignment_bulk_delete', UI + 'netboxattachmentassignment_bulk_delete',
             lambda w: ui_path('netboxattachmentassignment_bulk_delete'),
             post=bulk(link_ids, 'netboxattachmentassignment_list')),
        # netbox-attachments 12.x's "Link existing" page: a redirect to the assignment form.
        Case('netboxattachment_link?attachment=S&object=hidden', UI + 'netboxattachment_link',
             lambda w: ui_path('netboxattachment_link',
                               f'?object_type={w.device_type}&object_id={w.hidden.pk}&attachment={w.S.pk}')),
        Case('netboxattachment_panel_list(router)', UI + 'netboxattachment_panel_list', lambda w: panel(w, w.router)),
        Case('netboxattachment_panel_list(hidden)', UI + 'netboxattachment_panel_list', lambda w: panel(w, w.hidden)),
    ]  # fmt: skip
    # NetBox's pages that show the plugin's tab, button, badge or panel, and its global search.
    for device in ('router', 'hidden'):
        cases += [
            Case(f'device({device})', '', lambda w, d=device: getattr(w, d).get_absolute_url()),
            Case(f'device_attachments({device})', '',
                 lambda w, d=device: f'/dcim/devices/{getattr(w, d).pk}/attachments/'),
            # netbox-attachments 12.x's tab URL: a redirect to ours.
            Case(f'device_device-attachment_list({device})', '',
                 lambda w, d=device: f'/dcim/devices/{getattr(w, d).pk}/device-attachment_list/'),
            Case(f'device({device},right_page)', '', lambda w, d=device: getattr(w, d).get_absolute_url(),
                 plugin_config={'display_default': 'right_page'}),
        ]  # fmt: skip
    for q in ('SECRET', 'HIDDEN', 'secret.txt'):
        cases.append(Case(f'search?q={q}', '', lambda w, q=q: f'/search/?q={q}'))
    return cases


def api_cases():
    cases = [
        Case('api-root', API + 'api-root', lambda w: api_path('api-root'), kind='api'),
        Case('api-root.json', API + 'api-root' + FORMAT, lambda w: api_path('api-root', format='json'), kind='api'),
    ]
    lists = {
        'netboxattachment-list': ('?brief=1', '?object_type=dcim.device', '?q=SECRET', '?format=api'),
        'netboxattachmentassignment-list': ('?brief=1', '?object_type=dcim.device'),
    }
    for route, queries in lists.items():
        for query in ('', *queries):
            cases.append(Case(f'{route}{query}', API + route, lambda w, r=route, q=query: api_path(r, q), kind='api'))
        cases += [
            Case(f'{route}?object_type_id&object_id=hidden', API + route, lambda w, r=route: api_path(
                r, f'?object_type_id={w.device_type}&object_id={w.hidden.pk}'), kind='api'),
            Case(f'{route}.json', API + route + FORMAT, lambda w, r=route: api_path(r, format='json'), kind='api'),
        ]  # fmt: skip
    cases += [
        Case('netboxattachmentassignment-list?attachment_id=S', API + 'netboxattachmentassignment-list',
             lambda w: api_path('netboxattachmentassignment-list', f'?attachment_id={w.S.pk}'), kind='api'),
        Case('netboxattachment-list(token)', API + 'netboxattachment-list',
             lambda w: api_path('netboxattachment-list'), kind='api', auth='token-v2'),
    ]  # fmt: skip
    for which in ('A', 'S'):
        for route in ('netboxattachment-detail', 'netboxattachment-download', 'netboxattachment-signed-link'):
            cases.append(Case(f'{route}({which})', API + route, lambda w, r=route, x=which: api_path(
                r, pk=getattr(w, x).pk), kind='api', follow_signed_link=route.endswith('signed-link')))  # fmt: skip
    cases += [
        Case('netboxattachment-detail(S)?brief=1', API + 'netboxattachment-detail',
             lambda w: api_path('netboxattachment-detail', '?brief=1', pk=w.S.pk), kind='api'),
        Case('netboxattachment-detail.json(S)', API + 'netboxattachment-detail' + FORMAT,
             lambda w: api_path('netboxattachment-detail', pk=w.S.pk, format='json'), kind='api'),
        Case('netboxattachment-download.json(S)', API + 'netboxattachment-download' + FORMAT,
             lambda w: api_path('netboxattachment-download', pk=w.S.pk, format='json'), kind='api'),
        Case('netboxattachment-signed-link.json(S)', API + 'netboxattachment-signed-link' + FORMAT,
             lambda w: api_path('netboxattachment-signed-link', pk=w.S.pk, format='json'), kind='api',
             follow_signed_link=True),
        Case('netboxattachment-download(S,token)', API + 'netboxattachment-download',
             lambda w: api_path('netboxattachment-download', pk=w.S.pk), kind='api', auth='token-v2'),
    ]  # fmt: skip
    for key in ('A-site', 'A-router', 'A-hidden', 'S-router', 'S-hidden'):
        route = 'netboxattachmentassignment-detail'
        cases.append(Case(f'{route}({key})', API + route, lambda w, k=key: api_path(
            'netboxattachmentassignment-detail', pk=w.links[k].pk), kind='api'))  # fmt: skip
    cases += [
        Case('netboxattachmentassignment-detail(A-hidden)?brief=1', API + 'netboxattachmentassignment-detail',
             lambda w: api_path('netboxattachmentassignment-detail', '?brief=1', pk=w.links['A-hidden'].pk),
             kind='api'),
        Case('netboxattachmentassignment-detail.json(S-hidden)', API + 'netboxattachmentassignment-detail' + FORMAT,
             lambda w: api_path('netboxattachmentassignment-detail', pk=w.links['S-hidden'].pk, format='json'),
             kind='api'),
    ]  # fmt: skip
    for route in ('imageattachment-file-download', 'imageattachment-file-signed-link'):
        signed = route.endswith('signed-link')
        cases += [
            Case(f'{route}(image)', API + route, lambda w, r=route: api_path(r, pk=w.image.pk), kind='api',
                 follow_signed_link=signed),
            Case(f'{route}.json(image)', API + route + FORMAT, lambda w, r=route: api_path(
                r, pk=w.image.pk, format='json'), kind='api', follow_signed_link=signed),
        ]  # fmt: skip
    # Links minted for the role's own user (or, for anonymous, a user that does not exist): using one must recheck
    # that this user may view the file now.
    for which, kind in (('A', 'attachment'), ('S', 'attachment'), ('image', 'image')):
        cases.append(Case(f'signed_download({which})', API + 'signed_download', lambda w, user, x=which, k=kind: mint(
            k, getattr(w, x).pk, user), kind='signed'))  # fmt: skip
    return cases


def media_cases():
    s_file = f'netbox-attachments/{S_FILE}'
    own = {
        'media(S)': lambda w: f'/media/{w.S.file.name}',
        'media(A)': lambda w: f'/media/{w.A.file.name}',
        'media(image)': lambda w: f'/media/{w.image.image.name}',
    }
    traversals = {
        'media/../media(S)': f'/media/../media/{s_file}',
        'media/%2e%2e/media(S)': f'/media/%2e%2e/media/{s_file}',
        'media/..%2fmedia(S)': f'/media/..%2fmedia/{s_file}',
        'media/other/..(S)': f'/media/other/../{s_file}',
        'media/./(S)': f'/media/netbox-attachments/./{S_FILE}',
        'media//(S)': f'/media/netbox-attachments//{S_FILE}',
        'media/%252e%252e/media(S)': f'/media/%252e%252e/media/{s_file}',
    }
    cases = []
    for auth in ('session', 'token-v1', 'token-v2'):
        suffix = '' if auth == 'session' else f'[{auth}]'
        for name, path in own.items():
            cases.append(Case(name + suffix, '', path, kind='media', auth=auth))
        for name, path in traversals.items():
            if auth == 'token-v1' and name != 'media/../media(S)':
                continue  # a v1 token is found by the same code as a v2 one: one traversal is enough
            cases.append(Case(name + suffix, '', lambda w, p=path: p, kind='media', auth=auth, traversal=True))
        # NetBox mounted under a prefix the settings do not know: request.path is /x/media/..., path_info /media/....
        # Not a traversal (it names the file's own path), so a superuser may get the file: no 404 is required.
        cases.append(Case(f'SCRIPT_NAME=/x,media(S){suffix}', '', lambda w: f'/media/{w.S.file.name}', kind='media',
                          auth=auth, environ={'SCRIPT_NAME': '/x'}))  # fmt: skip
    return cases


CASES = ui_cases() + api_cases() + media_cases()
MATRIX = [
    pytest.param(case, role, id=f'{case.id}-{role}')
    for case in CASES
    for role in (*ROLES, *([SUPERUSER] if case.kind == 'media' else []))
]

# Plugin routes that no cell asks, with the reason.
EXCLUDED = {}


def plugin_routes():
    """Every route key of the plugin's two namespaces, as '<namespace>:<name>' (+ '.<format>' for suffix routes)."""
    keys = set()

    def walk(resolver, namespaces):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespaces + ([pattern.namespace] if pattern.namespace else []))
            elif ':'.join(namespaces) + ':' in (UI, API):
                suffix = FORMAT if 'format' in pattern.pattern.regex.groupindex else ''
                keys.add(f'{":".join(namespaces)}:{pattern.name}{suffix}')

    walk(get_resolver(), [])
    return keys


def test_every_plugin_route_is_in_the_matrix():
    routes = plugin_routes()
    assert routes, 'the URLconf walk found no plugin route'
    covered = {case.route for case in CASES if case.route} | set(EXCLUDED)
    assert not routes - covered, f'routes neither asked by a cell nor excluded with a reason: {routes - covered}'
    assert not covered - routes, f'cells or exclusions for routes that no longer exist: {covered - routes}'


#
# Asking and checking
#


def everything_returned(response):
    """The status line, every header and cookie, and the whole body, as bytes."""
    head = f'{response.status_code} {response.reason_phrase}\n'
    head += ''.join(f'{name}: {value}\n' for name, value in response.items())
    head += str(response.cookies)
    return head.encode() + b'\n\n' + body(response)


def ask(client, case, world, role):
    extra = dict(case.environ)
    if case.kind == 'signed':
        # A link minted for this role's user (for anonymous, a user that does not exist), used as links are: with
        # neither session nor token.
        user = world.users.get(role)
        path = case.path(world, user.pk if user else 0)
    else:
        path = case.path(world)
        if case.auth != 'session':
            extra['HTTP_AUTHORIZATION'] = world.headers[role, case.auth]
        elif role != 'anonymous':
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    config = nullcontext()
    if case.plugin_config is not None:
        config = override_settings(PLUGINS_CONFIG={'netbox_attachments': plugin_config(**case.plugin_config)})
    with config:
        if case.post is not None:
            return path, client.post(path, case.post(world), **extra)
        return path, client.get(path, **extra)


def excerpt(blob, marker):
    at = blob.find(marker)
    return blob[max(0, at - 150) : at + len(marker) + 150].decode(errors='replace')


@pytest.fixture
def client():
    """A test client that turns an exception in a view into the 500 a user would get, so every check still runs."""
    return Client(raise_request_exception=False)


def server_error(response):
    exc_info = getattr(response, 'exc_info', None)
    return f' ({exc_info[0].__name__}: {exc_info[1]})' if exc_info else ''


@pytest.mark.parametrize(('case', 'role'), MATRIX)
def test_no_role_gets_what_it_may_not_see(client, world, case, role):
    path, response = ask(client, case, world, role)
    status, location = response.status_code, response.get('Location', '')
    answers = [(path, response)]
    if case.follow_signed_link and status == 200:
        url = response.json()['url'].removeprefix('http://testserver')
        answers.append((url, Client(raise_request_exception=False).get(url)))

    # A marker that is part of what the role itself asked for (a file name in a /media/ path) may be echoed back.
    asked = path
    while unquote(asked) != asked:
        asked = unquote(asked)
    forbidden = [marker for marker in FORBIDDEN[role] if marker not in asked]
    problems = []
    for url, answer in answers:
        code, blob = answer.status_code, everything_returned(answer)
        if code >= 500:
            problems.append(f'{url}: status {code}{server_error(answer)}')
        for marker in forbidden:
            if marker.encode() in blob:
                problems.append(f'{url}: {marker!r} leaked (status {code}): ...{excerpt(blob, marker.encode())}...')
    if role == 'anonymous' and case.auth == 'session':
        if case.kind == 'ui' and not (status == 302 and '/login/' in location):
            problems.append(f'{path}: anonymous got {status} {location}, not a redirect to the login page')
        if case.kind == 'api' and status not in (401, 403):
            problems.append(f'{path}: anonymous got {status}, not 401/403')
    if case.traversal and status != 404:
        problems.append(f"{path}: a /media/ path other than the file's own got {status}, not 404")
    assert not problems, '\n'.join(problems)


#
# The matrix proves something only if the markers do come back to someone who may see them.
#

CONTROLS = [
    ('netboxattachment_list', (S_NAME, A_NAME)),
    ('netboxattachment_download(S)', (S_BYTES, S_FILE)),
    ('netboxattachment-download(S)', (S_BYTES,)),
    ('netboxattachment-signed-link(S)', (S_BYTES,)),
    ('netboxattachmentassignment(S-hidden)', (S_NAME, HIDDEN)),
    ('netboxattachment_changelog(S)', (S_NAME,)),
    ('device_attachments(hidden)', (HIDDEN,)),
    ('netboxattachmentassignment_list?embedded&object=hidden', (S_NAME,)),
    ('netboxattachment_panel_list(hidden)', (S_NAME,)),
    ('netboxattachment_bulk_edit', (S_NAME, A_NAME)),
    ('search?q=SECRET', (S_NAME,)),
    ('search?q=HIDDEN', (HIDDEN,)),
    ('netboxattachmentassignment-detail(S-hidden)', (S_NAME, HIDDEN)),
    ('netboxattachment-list', (S_NAME, A_NAME, HIDDEN)),
    ('signed_download(S)', (S_BYTES,)),
    ('media(S)', (S_BYTES,)),
    ('media(image)', (IMAGE_BYTES,)),
    ('imageattachment-file-download(image)', (IMAGE_BYTES,)),
]


@pytest.mark.parametrize(('case_id', 'markers'), CONTROLS, ids=[case_id for case_id, _ in CONTROLS])
def test_a_superuser_gets_the_markers(client, world, case_id, markers):
    case = next(case for case in CASES if case.id == case_id)
    path, response = ask(client, case, world, SUPERUSER)
    blob = everything_returned(response)
    if case.follow_signed_link:
        blob = everything_returned(Client().get(response.json()['url'].removeprefix('http://testserver')))
    assert response.status_code == 200, blob[:2000]
    for marker in markers:
        assert marker.encode() in blob, f'{path}: {marker!r} missing'
