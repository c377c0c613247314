// The one arrangement the API cannot make: a "broken" link, whose object type's model is gone (as after uninstalling
// the plugin that provided it). NetBox's API refuses such links, so the suite makes one with Django's ORM, as the
// Python tests do, against the database of the server the test runs on.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { SERVERS, databaseOf, type ServerName } from './servers';

const REPO = path.resolve(__dirname, '..', '..');

const BREAK_ASSIGNMENT = `
import sys
import django
django.setup()
from core.models import ObjectType
from netbox_attachments.models import NetBoxAttachmentAssignment
gone, _ = ObjectType.objects.get_or_create(app_label='e2e_uninstalled_plugin', model='gadget')
updated = NetBoxAttachmentAssignment.objects.filter(pk=int(sys.argv[1])).update(object_type=gone)
sys.exit(0 if updated == 1 else f'no assignment {sys.argv[1]} to break')
`;

export function breakAssignment(server: ServerName, assignmentId: number) {
  const [tasksDb, cacheDb] = SERVERS[server].redisDbs.split(',');
  execFileSync(path.join(REPO, '.venv', 'bin', 'python'), ['-c', BREAK_ASSIGNMENT, String(assignmentId)], {
    cwd: REPO,
    env: {
      ...process.env,
      PYTHONPATH: REPO,
      NETBOX_CONFIGURATION: 'dev.netbox_configuration',
      DJANGO_SETTINGS_MODULE: 'netbox.settings',
      NETBOX_DB_NAME: databaseOf(server),
      NETBOX_REDIS_TASKS_DB: tasksDb,
      NETBOX_REDIS_CACHE_DB: cacheDb,
    },
  });
}
