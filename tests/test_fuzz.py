"""A bounded fuzz stage: schemathesis sends generated requests to every operation of the plugin's API on real servers.

Schemathesis (its `st` command, in a subprocess with a hard time limit) derives valid and invalid requests (paths,
query strings, JSON and multipart bodies) from the committed OpenAPI schema, `frontend/src/api/openapi.json`: the
plugin's operations only, the contract the front end is built against, which `dev/api_client.sh check` keeps equal
to what the code generates. NetBox's whole `/api/schema/` would cost seconds to generate and a filter, and would say
nothing more about the plugin. Two adjustments are made to a copy of it (see `fuzz_schema`).

Every operation is fuzzed twice, on two gunicorn servers (dev/live_server.py) with databases of their own, copied
from the same demo data, so that one run's writes and deletions never change what the other finds: once with the
demo superuser's v2 API token, once with a session cookie from NetBox's login form plus the CSRF token, as the React
widget sends them. The two runs go side by side, one per core.

No response may be a 5xx, and every one must conform to the schema: its body (`response_schema_conformance`) and
its content type. `status_code_conformance` is left out: the schema, like NetBox's own, documents no 404 for a
missing object and no 400 for a rejected filter, so it fails on every such answer without finding anything wrong.

Reproducible and bounded: deterministic generation (no random seed, no example database), a fixed number of
examples per operation, one request at a time to a one-worker server starting from the same data each run, and a
hard limit on each schemathesis process. The examples, fuzzing and stateful phases run; the coverage phase, which
tries each boundary value of each of the ~400 filter parameters of the two lists, sends about 5,000 requests
(4 minutes here), so it is left to a deeper run: `NBA_FUZZ_PHASES=coverage,fuzzing,stateful NBA_FUZZ_MAX_EXAMPLES=100
pytest tests/test_fuzz.py` (without the time limit; expect 10 minutes and more).
Requests go to 127.0.0.1 only.

    pytest tests/test_fuzz.py        # about 3 minutes on a 2-core machine, server start included

A failure lists each distinct problem with a curl line that reproduces it (credentials filtered out); the full
schemathesis output and the servers' logs are in pytest's temporary folder, named in the message. The servers'
logs hold no tracebacks (DEBUG is off): the 500 body names the exception.
"""

import copy
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from dev.live_server import REPO, live_server

# The token run's database, and the session run's beside it; both copied from one base made for them.
DB_NAMES = {'token': 'netbox_attachments_fuzz', 'session': 'netbox_attachments_fuzz_session'}
BASE_DB = 'netbox_attachments_fuzz_base'
# Redis databases of their own (the demo uses 0-1, the tests 2-3, other live servers 4-7 and 10-15); the two fuzz
# servers share them: they hold only NetBox's cache, and no job is queued.
REDIS_DBS = (8, 9)
SCHEMA = REPO / 'frontend' / 'src' / 'api' / 'openapi.json'
SCHEMATHESIS = Path(sys.executable).parent / 'st'
TIMEOUT = 30
CHECKS = ['not_a_server_error', 'response_schema_conformance', 'content_type_conformance']
# `NBA_FUZZ_PHASES` and `NBA_FUZZ_MAX_EXAMPLES` make a deeper run (see above), without the time limit of CI's.
PHASES = os.environ.get('NBA_FUZZ_PHASES', 'examples,fuzzing,stateful')
# Per operation: 30 keep the whole module, both server starts included, near 3 minutes on a 2-core machine.
MAX_EXAMPLES = int(os.environ.get('NBA_FUZZ_MAX_EXAMPLES', '30'))
DEEP = {'NBA_FUZZ_PHASES', 'NBA_FUZZ_MAX_EXAMPLES'} & set(os.environ)
# A hard stop for the two schemathesis runs, which go side by side: each normally ends within 80 to 120 s.
RUN_LIMIT = 3600 if DEEP else 180


# NetBox's own image attachments are served by two of the plugin's operations; the demo data has none.
ADD_IMAGE_ATTACHMENT = """
import io
from dcim.models import Site
from django.core.files.base import ContentFile
from extras.models import ImageAttachment
from PIL import Image
image = io.BytesIO()
Image.new('RGB', (40, 30), 'navy').save(image, 'PNG')
site = Site.objects.order_by('pk').first()
ImageAttachment.objects.create(parent=site, name='Rack photo', image=ContentFile(image.getvalue(), name='rack.png'))
"""


@pytest.fixture(scope='module')
def servers(tmp_path_factory):
    """One server per kind of credentials, each on its own fresh copy of the demo data."""
    with ExitStack() as stack:
        started = {}
        for auth, db_name in DB_NAMES.items():
            media_root = tmp_path_factory.mktemp(f'fuzz-{auth}') / 'media'
            started[auth] = stack.enter_context(live_server(db_name, media_root, redis_dbs=REDIS_DBS, base=BASE_DB))
            started[auth].run_python(ADD_IMAGE_ATTACHMENT)
        yield started


def session_headers(server):
    """Log in through NetBox's form; send the session cookie and, as the front end does, the CSRF token."""
    with requests.Session() as session:
        form = session.get(f'{server.url}/login/', timeout=TIMEOUT)
        assert form.status_code == 200, form.text[:500]
        middleware_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        login = session.post(
            f'{server.url}/login/',
            data={'username': 'admin', 'password': 'admin', 'csrfmiddlewaretoken': middleware_token, 'next': '/'},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert login.status_code == 302, login.text[:500]
        cookies = session.cookies.get_dict()
    assert {'sessionid', 'csrftoken'} <= set(cookies), cookies
    check = requests.get(  # the user's own preferences: only for a logged-in user
        f'{server.url}/api/users/config/', cookies={'sessionid': cookies['sessionid']}, timeout=TIMEOUT
    )
    assert check.status_code == 200, check.text[:500]
    return {
        'Cookie': f'sessionid={cookies["sessionid"]}; csrftoken={cookies["csrftoken"]}',
        'X-CSRFToken': cookies['csrftoken'],
    }


def fuzz_schema(path):
    """The committed schema, with two changes that let the fuzzer reach more of the API and judge what it sees.

    1. A `.json` twin of every read operation on an object: DRF's router also serves each route with a format
       suffix (`netbox-attachments/{id}/download.json`, `netbox-attachment-assignments/{id}.json`) and passes the
       view a `format` argument; drf-spectacular leaves those routes out, so a fuzzer would never call them. Their
       answers must be what the schema says of the route without the suffix. (The lists' twins are left out: they
       cost as much as the lists, the most expensive operations, and fail the same way as the objects' twins.)
    2. No `brief` parameter: `brief=true` answers NetBox's brief representation (the fields listed as brief in the
       README, checked by tests/test_api.py), which the schema, like NetBox's own, does not describe.
    """
    schema = json.loads(SCHEMA.read_text())
    twins = {}
    for route, operations in schema['paths'].items():
        if '{id}' in route and 'get' in operations:
            twin = copy.deepcopy({'get': operations['get']})
            twin['get']['operationId'] += '_format_suffix'
            twins[route.removesuffix('/') + '.json'] = twin
    schema['paths'].update(twins)
    for operations in schema['paths'].values():
        for operation in operations.values():
            operation['parameters'] = [p for p in operation.get('parameters', []) if p.get('name') != 'brief']
    path.write_text(json.dumps(schema))
    return path


def start_fuzzing(server, headers, workdir):
    command = [
        str(SCHEMATHESIS), '--no-color', 'run', str(fuzz_schema(workdir / 'openapi.json')),
        '--url', server.url,
        '--phases', PHASES,
        '--checks', ','.join(CHECKS),
        '--max-examples', str(MAX_EXAMPLES),
        '--generation-deterministic',  # the same requests every run; also keeps no example database on disk
        # The headers below are the credentials: no generated Authorization header or session cookie.
        '--generation-with-security-parameters', 'false',
        '--continue-on-failure',  # every distinct failure of an operation, not only its first
        '--workers', '1',
        '--request-timeout', str(TIMEOUT),
        '--max-redirects', '0',
        '--report', 'junit',
        '--report-junit-path', str(workdir / 'junit.xml'),
        *(arg for name, value in headers.items() for arg in ('--header', f'{name}: {value}')),
    ]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if 'proxy' not in key.lower()}
    output = open(workdir / 'schemathesis.txt', 'w')  # noqa: SIM115 (closed by the caller)
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT)
    return process, output


def failures(workdir):
    """Each failure schemathesis reported: its operation, what failed, the response and a curl line.

    The schema and the value a response was checked against are left out (the output file has them).
    """
    try:
        cases = list(ElementTree.parse(workdir / 'junit.xml').getroot().iter('testcase'))
    except (OSError, ElementTree.ParseError):
        return []  # no report, or an empty one: schemathesis stopped before writing it
    found = []
    for case in cases:
        for problem in case:
            if problem.tag not in ('failure', 'error'):
                continue
            lines, skipping = [], False
            for line in (problem.text or problem.get('message') or '').splitlines():
                if re.match(r'\s*\[\d{3}\]', line):
                    skipping = False
                elif re.match(r'\s*Schema( at .*)?:$', line):
                    skipping = True
                if line.strip() and not skipping:
                    lines.append(line if len(line) <= 1500 else f'{line[:1500]} [...]')
            found.append(f'{case.get("name")}\n' + '\n'.join(lines))
    return found


def test_fuzzing_every_operation_with_a_token_and_with_a_session_finds_no_error(servers, tmp_path):
    headers = {
        'token': {'Authorization': servers['token'].admin_authorization()},
        'session': session_headers(servers['session']),
    }
    runs = {}
    report = []
    try:
        for auth, server in servers.items():
            workdir = tmp_path / auth
            workdir.mkdir()
            runs[auth] = (workdir, *start_fuzzing(server, headers[auth], workdir))
        deadline = time.monotonic() + RUN_LIMIT
        for auth, (workdir, process, _) in runs.items():
            try:
                process.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                report.append(f'== {auth} auth: schemathesis did not finish within {RUN_LIMIT} s and was stopped')
            found = failures(workdir)
            if process.returncode != 0 or found:
                text = (workdir / 'schemathesis.txt').read_text()
                summary = text[text.rfind('= SUMMARY =') :] if '= SUMMARY =' in text else text[-3000:]
                report.append(
                    f'== {auth} auth: schemathesis exited with {process.returncode}; output'
                    f' {workdir}/schemathesis.txt, server log {servers[auth].log}\n'
                    + '\n\n'.join(found)
                    + f'\n{summary}'
                )
    finally:
        for _, process, output in runs.values():
            if process.poll() is None:
                process.kill()
            process.wait()
            output.close()
    assert not report, '\n\n'.join(report)
