"""The committed OpenAPI schema (kept fresh by `dev/api_client.sh check` in `make test`) describes the API fully."""

import json
from pathlib import Path

SCHEMA = json.loads((Path(__file__).parent.parent / 'frontend/src/api/openapi.json').read_text())
PATHS = SCHEMA['paths']
PREFIX = '/api/plugins/netbox-attachments/'


def test_only_the_plugins_paths_are_in_the_plugin_schema():
    assert PATHS and all(path.startswith(PREFIX) for path in PATHS)


def test_every_endpoint_is_described():
    expected = {
        'netbox-attachments/', 'netbox-attachments/{id}/', 'netbox-attachments/{id}/download/',
        'netbox-attachments/{id}/signed-link/', 'netbox-attachment-assignments/',
        'netbox-attachment-assignments/{id}/', 'image-attachments/{id}/download/',
        'image-attachments/{id}/signed-link/', 'signed/{token}/',
    }  # fmt: skip
    assert {path.removeprefix(PREFIX) for path in PATHS} == expected


def test_upload_is_a_multipart_body_with_a_binary_file():
    body = PATHS[f'{PREFIX}netbox-attachments/']['post']['requestBody']['content']
    assert set(body) == {'multipart/form-data'}
    request = SCHEMA['components']['schemas']['NetBoxAttachmentRequest']
    assert request['properties']['file'] == {**request['properties']['file'], 'type': 'string', 'format': 'binary'}
    assert 'file' in request['required']


def test_downloads_are_binary_responses():
    for path in ('netbox-attachments/{id}/download/', 'image-attachments/{id}/download/', 'signed/{token}/'):
        responses = PATHS[f'{PREFIX}{path}']['get']['responses']
        assert responses['200']['content']['*/*']['schema'] == {'type': 'string', 'format': 'binary'}, path
        assert '206' in responses


def test_signed_link_action_returns_url_and_expiry():
    response = PATHS[f'{PREFIX}netbox-attachments/{{id}}/signed-link/']['get']['responses']['200']
    ref = response['content']['application/json']['schema']['$ref'].rsplit('/', 1)[1]
    assert set(SCHEMA['components']['schemas'][ref]['properties']) == {'url', 'expires', 'expires_in'}
    parameters = PATHS[f'{PREFIX}netbox-attachments/{{id}}/signed-link/']['get']['parameters']
    assert 'expires_in' in {p['name'] for p in parameters}


def test_attachments_carry_their_assignments_and_download_url():
    properties = SCHEMA['components']['schemas']['NetBoxAttachment']['properties']
    assert properties['download_url']['format'] == 'uri'
    item = properties['assignments']['items']['$ref'].rsplit('/', 1)[1]
    assert {
        'id',
        'url',
        'display',
        'attachment',
        'object_type',
        'object_id',
        'parent',
        'tags',
        'custom_fields',
        'created',
        'last_updated',
    } == set(SCHEMA['components']['schemas'][item]['properties'])


def test_brief_attachments_carry_their_file_url():
    # As in netbox-attachments 12.x: scripts read `file` from brief and nested attachments (issue 13).
    brief = SCHEMA['components']['schemas']['BriefNetBoxAttachment']
    assert brief['properties']['file']['format'] == 'uri' and 'file' in brief['required']
