"""Odd requests, races and hostile names get a clear answer: never a server error, a duplicated row or a name that
disguises what it is."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

from .factories import link, make_attachment, make_device, make_site
from .helpers import API, API_ASSIGNMENTS, API_ATTACHMENTS, ATTACHMENT_LIST, body, url

pytestmark = pytest.mark.django_db

RLO = '\u202e'  # RIGHT-TO-LEFT OVERRIDE: 'invoice\u202efdp.exe' reads as 'invoiceexe.pdf'


#
# Format suffixes
#


@pytest.mark.parametrize('action', ['download', 'signed-link'])
def test_format_suffix_routes_answer_like_the_plain_ones(admin_client, action):
    attachment = make_attachment(content=b'suffix bytes')
    response = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/{action}.json')
    assert response.status_code == 200
    if action == 'download':
        assert body(response) == b'suffix bytes'
    else:
        assert '/signed/' in response.json()['url']


@pytest.mark.parametrize('path', ['netbox-attachments.json', 'netbox-attachment-assignments.json', 'detail'])
def test_format_suffix_lists_and_details_answer_with_plain_links(admin_client, path):
    attachment = make_attachment(name='suffixed')
    link(attachment, make_device())
    path = f'netbox-attachments/{attachment.pk}.json' if path == 'detail' else path
    response = admin_client.get(f'{API}{path}')
    assert response.status_code == 200
    assert '.json' not in response.content.decode()


@pytest.mark.parametrize('base', [API_ATTACHMENTS, f'{API}image-attachments/'])
@pytest.mark.parametrize('action', ['download', 'signed-link'])
def test_format_suffix_routes_of_missing_ids_are_404(admin_client, base, action):
    assert admin_client.get(f'{base}999999/{action}.json').status_code == 404


#
# Linking while the orphan cleanup deletes the attachment
#


def test_linking_an_attachment_deleted_meanwhile_is_a_400_not_a_500(admin_client, monkeypatch):
    """The cleanup deletes the attachment after the link request was validated and before it is saved."""
    from netbox_attachments.api.serializers import NetBoxAttachmentAssignmentSerializer

    attachment = make_attachment()
    site = make_site()
    validate = NetBoxAttachmentAssignmentSerializer.validate

    def validate_then_lose_the_attachment(self, data):
        data = validate(self, data)
        NetBoxAttachment.objects.filter(pk=attachment.pk).delete()
        return data

    monkeypatch.setattr(NetBoxAttachmentAssignmentSerializer, 'validate', validate_then_lose_the_attachment)
    response = admin_client.post(
        API_ASSIGNMENTS,
        {'attachment': attachment.pk, 'object_type': 'dcim.site', 'object_id': site.pk},
        content_type='application/json',
    )
    assert response.status_code == 400
    assert 'No such object' in response.content.decode()
    assert not NetBoxAttachmentAssignment.objects.exists()


#
# Filters
#


def test_an_object_type_filter_lists_each_attachment_once(admin_client):
    many, one = make_attachment(name='many'), make_attachment(name='one')
    for _ in range(3):
        link(many, make_device())
    link(one, make_device())
    ids = [row['id'] for row in admin_client.get(f'{API_ATTACHMENTS}?object_type=dcim.device').json()['results']]
    assert sorted(ids) == sorted([many.pk, one.pk])
    html = admin_client.get(f'{ATTACHMENT_LIST}?object_type=dcim.device').content.decode()
    assert html.count(f'name="pk" value="{many.pk}"') == 1


def test_an_unknown_object_type_label_matches_nothing(admin_client):
    link(make_attachment(), make_site())
    assert admin_client.get(f'{API_ATTACHMENTS}?object_type=nothing.here').json()['count'] == 0


COSTLY = '(.*){1,255}(.*){1,255}(.*){1,255}'  # seconds for PostgreSQL to compile


@pytest.mark.parametrize(
    'queries',
    [
        ['name__regex=null', 'name__iregex=null', 'name__regex=(', 'description__regex=[z-a]'],
        [f'name__regex={COSTLY}', f'name__regex={"a" * 300}', '&'.join(['name__regex=a'] * 6)],
    ],
    ids=['refused by the database', 'too costly to compile'],
)
def test_regular_expressions_the_database_would_refuse_or_take_long_to_compile_get_400(admin_client, queries):
    make_attachment()
    for query in queries:
        response = admin_client.get(f'{API_ATTACHMENTS}?{query}')
        assert response.status_code == 400, query
        assert query.split('=')[0] in response.json(), query


@pytest.mark.parametrize(
    'query',
    [
        'created__n=3187-04-25T14:43:58%2B20:39',
        'created__gte=2024-01-01T00:00:00-23:59',
        'last_updated__lt=9999-12-31T23:59:59-23:00',
        'created__gt=0001-01-01T00:00:00%2B23:00',
    ],
)
@pytest.mark.parametrize('base', [API_ATTACHMENTS, API_ASSIGNMENTS])
def test_dates_with_any_zone_offset_are_no_server_error(admin_client, base, query):
    link(make_attachment(), make_site())
    assert admin_client.get(f'{base}?{query}').status_code in (200, 400)


def test_a_zone_offset_beyond_postgresql_s_range_still_filters(admin_client):
    make_attachment()
    assert admin_client.get(f'{API_ATTACHMENTS}?created__gte=2000-01-01T00:00:00%2B20:39').json()['count'] == 1


def test_bad_filter_values_on_ui_lists_are_not_server_errors(admin_client):
    make_attachment()
    for query in ('name__regex=null', 'name__regex=(', 'created__n=3187-04-25T14:43:58%2B20:39'):
        assert admin_client.get(f'{ATTACHMENT_LIST}?{query}').status_code == 200, query


#
# Names that disguise what they are
#


@pytest.mark.parametrize('name', [f'invoice{RLO}fdp.exe', 'line\nbreak', 'tab\there', 'bell\x07', 'para\u2029sep'])
def test_names_with_control_or_format_characters_are_refused(admin_client, name):
    response = admin_client.post(API_ATTACHMENTS, {'name': name, 'file': SimpleUploadedFile('a.txt', b'a')})
    assert response.status_code == 400
    assert 'control or formatting characters' in response.json()['name'][0]
    attachment = make_attachment(name='fine')
    response = admin_client.patch(f'{API_ATTACHMENTS}{attachment.pk}/', {'name': name}, content_type='application/json')
    assert response.status_code == 400
    response = admin_client.post(url('netboxattachment_edit', pk=attachment.pk), {'name': name})
    assert response.status_code == 200 and 'control or formatting characters' in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.name == 'fine'


def test_an_upload_named_with_an_override_is_stored_and_named_without_it(admin_client, media_root):
    response = admin_client.post(API_ATTACHMENTS, {'file': SimpleUploadedFile(f'invoice{RLO}fdp.exe', b'MZ')})
    assert response.status_code == 201
    attachment = NetBoxAttachment.objects.get()
    assert RLO not in attachment.name and RLO not in attachment.file.name
    assert attachment.name == 'invoicefdp.exe'
    download = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/download/')
    assert RLO not in download['Content-Disposition'] and '%E2%80%AE' not in download['Content-Disposition']


def test_a_stored_name_with_an_override_downloads_without_it(admin_client):
    """Records adopted from elsewhere may hold such names: the download name leaves the characters out."""
    attachment = make_attachment(filename='report.pdf')
    NetBoxAttachment.objects.filter(pk=attachment.pk).update(name=f'report{RLO}.pdf')
    download = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/download/')
    assert '%E2%80%AE' not in download['Content-Disposition']
    assert 'report.pdf' in download['Content-Disposition']


#
# Requests the API answers in the shape its schema describes
#


@pytest.mark.parametrize(
    'method, path, body',
    [
        ('post', API_ASSIGNMENTS, {'attachment': 1, 'object_type': 'dcim.\x00', 'object_id': 1}),
        (
            'post',
            API_ASSIGNMENTS,
            {'attachment': 1, 'object_type': 'dcim.site', 'object_id': 1, 'tags': [{'name': 'a\x00'}]},
        ),
        ('get', f'{API_ATTACHMENTS}?name=a%00b', None),
    ],
)
def test_nul_characters_get_400(admin_client, method, path, body):
    kwargs = {'data': body, 'content_type': 'application/json'} if body is not None else {}
    response = getattr(admin_client, method)(path, **kwargs)
    assert response.status_code == 400
    assert 'NUL' in response.content.decode()


def test_an_empty_bulk_create_gets_400(admin_client):
    response = admin_client.post(API_ASSIGNMENTS, [], content_type='application/json')
    assert response.status_code == 400


@pytest.mark.parametrize('param', ['fields', 'omit'])
def test_unknown_field_names_get_400(admin_client, param):
    make_attachment()
    response = admin_client.get(f'{API_ATTACHMENTS}?{param}=name,nonsense')
    assert response.status_code == 400
    assert 'nonsense' in response.json()[param][0]
    assert admin_client.get(f'{API_ATTACHMENTS}?{param}=name').status_code == 200


@pytest.mark.parametrize('value, brief', [('true', True), ('1', True), ('false', False), ('0', False)])
def test_brief_is_a_boolean(admin_client, value, brief):
    make_attachment()
    row = admin_client.get(f'{API_ATTACHMENTS}?brief={value}').json()['results'][0]
    assert ('assignment_count' not in row) is brief
