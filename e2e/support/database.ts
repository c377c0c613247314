// The one arrangement the API cannot make: a "broken" link, whose object type's model is gone (as after uninstalling
// the plugin that provided it). NetBox's API refuses such links, so the suite makes one with Django's ORM, as the
// Python tests do, against the database of the server the test runs on, in the environment that server runs with.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { SERVERS, databaseOf, type ServerName } from './servers';

const REPO = path.resolve(__dirname, '..', '..');

const BREAK_ASSIGNMENT = `
import os, sys
from dev.live_server import server_env
database, redis_dbs, assignment_id = sys.argv[1], tuple(map(int, sys.argv[2].split(','))), int(sys.argv[3])
os.environ.update(server_env(database, os.devnull, redis_dbs=redis_dbs))
import django
django.setup()
from core.models import ObjectType
from netbox_attachments.models import NetBoxAttachmentAssignment
gone, _ = ObjectType.objects.get_or_create(app_label='e2e_uninstalled_plugin', model='gadget')
updated = NetBoxAttachmentAssignment.objects.filter(pk=assignment_id).update(object_type=gone)
sys.exit(0 if updated == 1 else f'no assignment {assignment_id} to break')
`;

export function breakAssignment(server: ServerName, assignmentId: number) {
  execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    ['-c', BREAK_ASSIGNMENT, databaseOf(server), SERVERS[server].redisDbs, String(assignmentId)],
    { cwd: REPO, env: { ...process.env, PYTHONPATH: REPO } },
  );
}
