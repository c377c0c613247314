// The NetBox configurations the suite runs against, and which specs run on each. Their Redis databases are their
// own: the demo has 0-1, pytest 2-3, the live API tests 4-5 and the benchmarks 6-7 and 10-11.
import path from 'node:path';

/** Small enough that a test can go over it with a file made in memory. */
export const MAX_UPLOAD_SIZE = 2 * 1024 * 1024;

interface Server {
  pluginConfig: Record<string, unknown>;
  redisDbs: string;
  specs: RegExp;
  /** Where the server keeps files: its media folder, or a bucket of an S3-compatible server of its own. */
  storage: 'disk' | 's3';
}

export const SERVERS = {
  // Every object type shows its attachments on a tab (the plugin's default).
  tab: {
    pluginConfig: { max_upload_size: MAX_UPLOAD_SIZE },
    redisDbs: '12,13',
    specs: /tests\/(?!panel|s3).*\.spec\.ts$/,
    storage: 'disk',
  },
  // Panels in every position for a few models; devices keep the tab.
  panel: {
    pluginConfig: {
      max_upload_size: MAX_UPLOAD_SIZE,
      display_setting: { 'dcim.site': 'right_page', 'dcim.rack': 'left_page', 'tenancy.tenant': 'full_width_page' },
    },
    redisDbs: '14,15',
    specs: /tests\/panel.*\.spec\.ts$/,
    storage: 'disk',
  },
  // The tab's settings, with files in a bucket of a moto S3 server (dev/s3_server.py), a process of its own.
  s3: {
    pluginConfig: { max_upload_size: MAX_UPLOAD_SIZE },
    redisDbs: '8,9',
    specs: /tests\/s3.*\.spec\.ts$/,
    storage: 's3',
  },
} satisfies Record<string, Server>;

export type ServerName = keyof typeof SERVERS;

/** Each server's database, a fresh copy on every run: one run at a time per PostgreSQL server. */
export const databaseOf = (name: ServerName) => `netbox_attachments_e2e_${name}`;

/** Each server's media folder, emptied on every run (an S3 server's stays empty). */
export const mediaRootOf = (name: ServerName) => path.resolve(__dirname, '..', '..', '.e2e', name, 'media');
