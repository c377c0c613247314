"""Who gets what: every way to read an attachment or its bytes obeys NetBox object permissions and constraints."""

import pytest

from .factories import make_attachment, make_user
from .helpers import body

pytestmark = pytest.mark.django_db

BASE = '/api/plugins/netbox-attachments/netbox-attachments/'
VIEW = 'netbox_attachments.view_netboxattachment'
ONLY_VISIBLE = {'netbox_attachments.netboxattachment': {'name__startswith': 'Visible'}}

# role: (permissions, constraints, which of the two attachments the role may see)
ROLES = {
    'anonymous': (None, None, set()),
    'no permission': (('dcim.view_site',), None, set()),
    'add, change and delete without view': (
        (
            'netbox_attachments.add_netboxattachment',
            'netbox_attachments.change_netboxattachment',
            'netbox_attachments.delete_netboxattachment',
        ),
        None,
        set(),
    ),
    'view': ((VIEW,), None, {'visible', 'secret'}),
    'constrained view': ((VIEW,), ONLY_VISIBLE, {'visible'}),
}


@pytest.fixture
def attachments():
    return {
        'visible': make_attachment(name='Visible plan', content=b'visible bytes'),
        'secret': make_attachment(name='Secret plan', content=b'secret bytes'),
    }


def as_role(client, role):
    permissions, constraints, _ = ROLES[role]
    if permissions is not None:
        client.force_login(make_user(None, *permissions, constraints=constraints))
    return client


@pytest.mark.parametrize('role', ROLES)
def test_list_shows_only_what_the_role_may_view(client, attachments, role):
    response = as_role(client, role).get(BASE)
    allowed = ROLES[role][2]
    if not ROLES[role][0] or VIEW not in ROLES[role][0]:
        assert response.status_code == 403  # no view permission on the model at all: NetBox's usual answer
        return
    assert response.status_code == 200
    assert {item['name'] for item in response.json()['results']} == {attachments[k].name for k in allowed}


@pytest.mark.parametrize('role', ROLES)
@pytest.mark.parametrize('which', ['visible', 'secret'])
@pytest.mark.parametrize('endpoint', ['', 'download/', 'signed-link/'])
def test_detail_download_and_signed_link_need_view_permission_on_that_attachment(
    client, attachments, role, which, endpoint
):
    attachment = attachments[which]
    response = as_role(client, role).get(f'{BASE}{attachment.pk}/{endpoint}')
    if which in ROLES[role][2]:
        assert response.status_code == 200
        if endpoint == 'download/':
            assert body(response) == attachment.file.open('rb').read()
    else:
        # 404 for an attachment hidden by a constraint, as for one that does not exist; 403 only for a user with
        # no view permission on attachments at all, whatever the ID.
        assert response.status_code in ((404,) if ROLES[role][0] and VIEW in ROLES[role][0] else (403,))
        assert attachment.file.open('rb').read() not in body(response)


@pytest.mark.parametrize('role', ROLES)
@pytest.mark.parametrize('which', ['visible', 'secret'])
def test_media_urls_apply_the_same_rule(client, attachments, role, which):
    attachment = attachments[which]
    response = as_role(client, role).get(f'/media/{attachment.file.name}')
    if which in ROLES[role][2]:
        assert response.status_code == 200 and body(response) == attachment.file.open('rb').read()
    else:
        assert response.status_code in (302, 404)  # anonymous users are sent to the login page
        assert attachment.file.open('rb').read() not in body(response)


@pytest.mark.parametrize('version', [1, 2])
@pytest.mark.parametrize('where', ['/media/', 'download/'])
def test_api_tokens_get_files_under_the_same_rule(client, attachments, version, where):
    from users.models import Token

    def url(attachment):
        return f'/media/{attachment.file.name}' if where == '/media/' else f'{BASE}{attachment.pk}/download/'

    token = Token.objects.create(user=make_user(None, VIEW, constraints=ONLY_VISIBLE), version=version)
    header = token.get_auth_header_prefix() + token.token
    visible = client.get(url(attachments['visible']), HTTP_AUTHORIZATION=header)
    assert visible.status_code == 200 and body(visible) == b'visible bytes'
    assert client.get(url(attachments['secret']), HTTP_AUTHORIZATION=header).status_code == 404
    assert client.get(url(attachments['visible']), HTTP_AUTHORIZATION='Token bad').status_code == 403


def test_writes_obey_constraints(client, attachments):
    user = make_user(
        None,
        VIEW,
        'netbox_attachments.change_netboxattachment',
        'netbox_attachments.delete_netboxattachment',
        constraints={'netbox_attachments.netboxattachment': {'name__startswith': 'Visible'}},
    )
    client.force_login(user)
    secret = attachments['secret']
    assert client.patch(f'{BASE}{secret.pk}/', {'description': 'x'}, content_type='application/json').status_code == 404
    assert client.delete(f'{BASE}{secret.pk}/').status_code == 404
    renamed = client.patch(
        f'{BASE}{attachments["visible"].pk}/', {'name': 'Secret now'}, content_type='application/json'
    )
    assert renamed.status_code == 403  # the result would fall outside what the user may change
    secret.refresh_from_db()
    assert secret.description == ''


ASSIGNMENTS = '/api/plugins/netbox-attachments/netbox-attachment-assignments/'


def test_a_link_to_a_hidden_attachment_is_refused_like_a_missing_one(client, attachments):
    from netbox_attachments.models import NetBoxAttachmentAssignment

    from .factories import make_site

    site = make_site()
    client.force_login(
        make_user(
            None, VIEW, 'netbox_attachments.add_netboxattachmentassignment', 'dcim.view_site', constraints=ONLY_VISIBLE
        )
    )
    answers = [
        client.post(ASSIGNMENTS, {'attachment': pk, 'object_type': 'dcim.site', 'object_id': site.pk},
                    content_type='application/json')
        for pk in (attachments['secret'].pk, attachments['secret'].pk + 1000)
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {'attachment': ['No such object.']}
    assert not NetBoxAttachmentAssignment.objects.exists()


def test_a_link_cannot_be_moved_to_another_attachment(admin_client, attachments):
    from .factories import link, make_site

    assignment = link(attachments['visible'], make_site())
    response = admin_client.patch(
        f'{ASSIGNMENTS}{assignment.pk}/', {'attachment': attachments['secret'].pk}, content_type='application/json'
    )
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.attachment_id == attachments['visible'].pk


def test_nested_links_are_only_those_the_reader_may_view(client, attachments):
    from .factories import link, make_device, make_site

    site_link = link(attachments['visible'], make_site())
    link(attachments['visible'], make_device())
    client.force_login(
        make_user(
            None, VIEW, 'netbox_attachments.view_netboxattachmentassignment',
            constraints={'netbox_attachments.netboxattachmentassignment': {'object_type__model': 'site'}},
        )
    )  # fmt: skip
    detail = client.get(f'{BASE}{attachments["visible"].pk}/').json()
    assert [a['id'] for a in detail['assignments']] == [site_link.pk]
    client.force_login(make_user(None, VIEW))  # no permission on links at all
    assert client.get(f'{BASE}{attachments["visible"].pk}/').json()['assignments'] == []
    listed = client.get(BASE).json()['results']
    assert all(row['assignments'] == [] for row in listed)
