// The users the suite logs in as. The admin comes with the demo data; the others are made by auth.setup.ts.
import path from 'node:path';

import type { ServerName } from './servers';

const PLUGIN_MODELS = ['netbox_attachments.netboxattachment', 'netbox_attachments.netboxattachmentassignment'];
// The objects the tests attach files to, and the tags the manager's filter lists.
const OBJECT_MODELS = ['dcim.site', 'dcim.rack', 'dcim.device', 'tenancy.tenant', 'extras.tag'];

export interface Role {
  username: string;
  password: string;
  /** NetBox object permissions: actions on object types. None for the superuser. */
  permissions: { actions: string[]; objectTypes: string[] }[];
}

export const ROLES = {
  admin: { username: 'admin', password: 'admin', permissions: [] },
  // May look at everything and download, nothing else.
  readonly: {
    username: 'e2e-readonly',
    password: 'Readonly-e2e-2026',
    permissions: [{ actions: ['view'], objectTypes: [...PLUGIN_MODELS, ...OBJECT_MODELS] }],
  },
  // May upload and link, but neither unlink nor delete.
  contributor: {
    username: 'e2e-contributor',
    password: 'Contributor-e2e-2026',
    permissions: [
      { actions: ['view', 'add', 'change'], objectTypes: PLUGIN_MODELS },
      { actions: ['view'], objectTypes: OBJECT_MODELS },
    ],
  },
} satisfies Record<string, Role>;

export type RoleName = keyof typeof ROLES;

export const AUTH_DIR = path.resolve(__dirname, '..', '..', '.e2e', 'auth');

/** The browser state (session cookie) of a role logged in to a server. */
export const storageStateOf = (server: ServerName, role: RoleName) => path.join(AUTH_DIR, server, `${role}.json`);

/** The API tokens of every role on a server, written by the set-up. */
export const tokensFileOf = (server: ServerName) => path.join(AUTH_DIR, server, 'tokens.json');
