"""The plugin's part of NetBox's OpenAPI schema, for generating clients (the front end's TypeScript types)."""

import copy
import json
import re

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.validation import validate_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from ..bundles import ManagerPageConfigSerializer, ObjectWidgetPageConfigSerializer

API_PREFIX = '/api/plugins/netbox-attachments/'
REF = re.compile(r'"\$ref": "#/components/schemas/([^"]+)"')


def netbox_schema():
    """NetBox's whole schema, as /api/schema/ serves it, checked against the OpenAPI specification."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    return schema


class PageConfigsSerializer(serializers.Serializer):
    objectWidget = ObjectWidgetPageConfigSerializer()
    manager = ManagerPageConfigSerializer()


class PageConfigsView(GenericAPIView):
    """Not routed: it only lets drf-spectacular describe the configurations the pages hand their React bundles."""

    schema = AutoSchema()  # drf-spectacular's own: NetBox's expects a model queryset
    serializer_class = PageConfigsSerializer

    def get(self, request):
        raise NotImplementedError


def page_config_components():
    """OpenAPI components of the page configurations (bundles.py), for the front end's generated types."""
    schema = SchemaGenerator(patterns=[path('page-configs/', PageConfigsView.as_view())]).get_schema(public=True)
    components = schema['components']['schemas']
    del components['PageConfigs']  # the wrapper; the pages use its parts
    return components


def plugin_schema(schema=None, page_configs=False):
    """Only the plugin's paths, with just the components they reference (directly or through other components).

    page_configs adds the page configurations as components of their own, referenced by no path: the front end's
    copy of the schema carries them so that its types are generated from the same file; clients of the API don't
    need them.
    """
    schema = schema or netbox_schema()
    paths = {path: item for path, item in schema['paths'].items() if path.startswith(API_PREFIX)}
    components = schema['components']['schemas']
    needed, pending = set(), set(REF.findall(json.dumps(paths)))
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending |= set(REF.findall(json.dumps(components[name])))
    paths = copy.deepcopy(paths)
    components = {name: copy.deepcopy(components[name]) for name in needed}
    if page_configs:
        pages = page_config_components()
        if clashes := needed & pages.keys():
            raise ValueError(f'page configuration components clash with API components: {sorted(clashes)}')
        components.update(pages)
    components = dict(sorted(components.items()))
    describe_answers_as_sent(paths, components)
    return {
        **{key: value for key, value in schema.items() if key not in ('paths', 'components')},
        'info': {**schema['info'], 'title': 'NetBox Attachments plugin API'},
        'paths': paths,
        'components': {
            **{key: value for key, value in schema['components'].items() if key != 'schemas'},
            'schemas': components,
        },
    }


def describe_answers_as_sent(paths, components):
    """Corrects three things NetBox's schema generator says of every endpoint, so that clients (and the fuzz stage)
    may hold the plugin's answers to its schema:

    - a multipart upload is one object: a list cannot be sent as form fields;
    - an error body matches "any of" an object or a bulk error, not "one of" them (every bulk error is an object);
    - a list's `count` is null when paging by `start=` (NetBox skips the count there).
    """
    for operations in paths.values():
        for operation in operations.values():
            multipart = operation.get('requestBody', {}).get('content', {}).get('multipart/form-data', {})
            variants = multipart.get('schema', {}).get('oneOf', [])
            objects = [variant for variant in variants if variant.get('type') != 'array']
            if len(variants) == 2 and len(objects) == 1:
                multipart['schema'] = objects[0]
            for response in operation.get('responses', {}).values():
                for content in response.get('content', {}).values():
                    if 'oneOf' in content.get('schema', {}):
                        content['schema'] = {'anyOf': content['schema']['oneOf']}
    for name, component in components.items():
        if name.startswith('Paginated') and 'count' in component.get('properties', {}):
            component['properties']['count']['nullable'] = True


def dumps(schema):
    """The committed form: stable key order, so a regenerated file differs only when the API does."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + '\n'
