"""Who gets what: every way to read an attachment or its bytes obeys NetBox object permissions and constraints."""

import pytest

from netbox_attachments.models import NetBoxAttachmentAssignment

from .factories import link, make_attachment, make_device, make_site, make_user
from .helpers import API_ASSIGNMENTS, API_ATTACHMENTS, body, download_url, login

pytestmark = pytest.mark.django_db

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
    return client if permissions is None else login(client, *permissions, constraints=constraints)


@pytest.mark.parametrize('role', ROLES)
def test_list_shows_only_what_the_role_may_view(client, attachments, role):
    response = as_role(client, role).get(API_ATTACHMENTS)
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
    response = as_role(client, role).get(f'{API_ATTACHMENTS}{attachment.pk}/{endpoint}')
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
        assert response.status_code == (302 if role == 'anonymous' else 404)  # anonymous: to the login page
        assert attachment.file.open('rb').read() not in body(response)


@pytest.mark.parametrize('version', [1, 2])
@pytest.mark.parametrize('where', ['/media/', 'download/'])
def test_api_tokens_get_files_under_the_same_rule(client, attachments, version, where):
    from users.models import Token

    def url(attachment):
        return f'/media/{attachment.file.name}' if where == '/media/' else download_url(attachment)

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
    secret_url = f'{API_ATTACHMENTS}{secret.pk}/'
    assert client.patch(secret_url, {'description': 'x'}, content_type='application/json').status_code == 404
    assert client.delete(secret_url).status_code == 404
    renamed = client.patch(
        f'{API_ATTACHMENTS}{attachments["visible"].pk}/', {'name': 'Secret now'}, content_type='application/json'
    )
    assert renamed.status_code == 403  # the result would fall outside what the user may change
    secret.refresh_from_db()
    assert secret.description == ''


@pytest.mark.parametrize('hidden', ['attachment', 'object_id'])
def test_a_link_to_a_hidden_attachment_or_object_is_refused_like_a_missing_one(client, attachments, hidden):
    """One answer for both: a different one would tell the user that the hidden record exists."""
    open_site, hidden_site = make_site(name='Open'), make_site(name='Hidden')
    login(
        client,
        VIEW,
        'netbox_attachments.add_netboxattachmentassignment',
        'dcim.view_site',
        constraints={**ONLY_VISIBLE, 'dcim.site': {'name': 'Open'}},
    )
    request = {
        'attachment': {'attachment': attachments['secret'].pk, 'object_id': open_site.pk},
        'object_id': {'attachment': attachments['visible'].pk, 'object_id': hidden_site.pk},
    }[hidden]
    answers = [
        client.post(
            API_ASSIGNMENTS,
            {**request, 'object_type': 'dcim.site', hidden: request[hidden] + missing},
            content_type='application/json',
        )
        for missing in (0, 1000)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {hidden: ['No such object.']}
    assert not NetBoxAttachmentAssignment.objects.exists()


@pytest.mark.parametrize('field', ['attachment', 'object_id'])
def test_a_link_cannot_be_moved(admin_client, attachments, field):
    assignment = link(attachments['visible'], make_site())
    before = (assignment.attachment_id, assignment.object_id)
    other = {'attachment': attachments['secret'].pk, 'object_id': make_site().pk}[field]
    response = admin_client.patch(f'{API_ASSIGNMENTS}{assignment.pk}/', {field: other}, content_type='application/json')
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert (assignment.attachment_id, assignment.object_id) == before


def test_nested_links_are_only_those_the_reader_may_view(client, attachments):
    site_link = link(attachments['visible'], make_site())
    link(attachments['visible'], make_device())
    login(
        client, VIEW, 'netbox_attachments.view_netboxattachmentassignment',
        constraints={'netbox_attachments.netboxattachmentassignment': {'object_type__model': 'site'}},
    )  # fmt: skip
    detail = client.get(f'{API_ATTACHMENTS}{attachments["visible"].pk}/').json()
    assert [a['id'] for a in detail['assignments']] == [site_link.pk]
    login(client, VIEW)  # no permission on links at all
    assert client.get(f'{API_ATTACHMENTS}{attachments["visible"].pk}/').json()['assignments'] == []
    listed = client.get(API_ATTACHMENTS).json()['results']
    assert all(row['assignments'] == [] for row in listed)
