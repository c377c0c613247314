"""The plugin's part of NetBox's OpenAPI schema, for generating clients (the front end's TypeScript types)."""

import json
import re

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

API_PREFIX = '/api/plugins/netbox-attachments/'
REF = re.compile(r'"\$ref": "#/components/schemas/([^"]+)"')


def netbox_schema():
    """NetBox's whole schema, as /api/schema/ serves it, checked against the OpenAPI specification."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    return schema


def plugin_schema(schema=None):
    """Only the plugin's paths, with just the components they reference (directly or through other components)."""
    schema = schema or netbox_schema()
    paths = {path: item for path, item in schema['paths'].items() if path.startswith(API_PREFIX)}
    components = schema['components']['schemas']
    needed, pending = set(), set(REF.findall(json.dumps(paths)))
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending |= set(REF.findall(json.dumps(components[name])))
    return {
        **{key: value for key, value in schema.items() if key not in ('paths', 'components')},
        'info': {**schema['info'], 'title': 'NetBox Attachments plugin API'},
        'paths': paths,
        'components': {
            **{key: value for key, value in schema['components'].items() if key != 'schemas'},
            'schemas': {name: components[name] for name in sorted(needed)},
        },
    }


def dumps(schema):
    """The committed form: stable key order, so a regenerated file differs only when the API does."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + '\n'
