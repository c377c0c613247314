// NetBox's REST API with one user's token: how tests arrange their data and check what the browser did.
import { expect, request as playwrightRequest, type APIRequestContext } from '@playwright/test';

import type { FileSpec } from './files';

export const PLUGIN_API = '/api/plugins/netbox-attachments';

export interface Attachment {
  id: number;
  name: string;
  filename: string;
  size: number;
  sha256: string;
  download_url: string;
  assignment_count: number;
  assignments: { id: number; object_type: string; object_id: number }[];
}

export interface NetBoxObject {
  id: number;
  name: string;
  display: string;
  url: string;
  display_url: string;
}

/** The same object types the plugin's API takes, e.g. 'dcim.device'. */
export type ObjectTypeName = `${string}.${string}`;

export class NetBoxApi {
  private constructor(readonly request: APIRequestContext) {}

  static async open(baseURL: string, token: string): Promise<NetBoxApi> {
    const request = await playwrightRequest.newContext({
      baseURL,
      extraHTTPHeaders: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      // Inside a test this would start with the test's browser login; the token alone must speak for the user.
      storageState: { cookies: [], origins: [] },
    });
    return new NetBoxApi(request);
  }

  /** A v2 token for a user, from their password (NetBox's provisioning endpoint). */
  static async provisionToken(baseURL: string, username: string, password: string): Promise<string> {
    const request = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    try {
      const response = await request.post('/api/users/tokens/provision/', {
        data: { username, password, version: 2 },
      });
      expect(response.status(), await response.text()).toBe(201);
      const body = await response.json();
      return `nbt_${body.key}.${body.token}`;
    } finally {
      await request.dispose();
    }
  }

  async dispose() {
    await this.request.dispose();
  }

  async get<T>(path: string, params?: Record<string, string | number | boolean>): Promise<T> {
    const response = await this.request.get(path, { params });
    expect(response.status(), `GET ${path}: ${await response.text()}`).toBe(200);
    return response.json();
  }

  async post<T>(path: string, data: unknown): Promise<T> {
    const response = await this.request.post(path, { data });
    expect(response.status(), `POST ${path}: ${await response.text()}`).toBe(201);
    return response.json();
  }

  async firstId(path: string): Promise<number> {
    const page = await this.get<{ results: { id: number }[] }>(path, { limit: 1, brief: true });
    expect(page.results.length, `${path} has no objects; the demo data should have made some`).toBeGreaterThan(0);
    return page.results[0].id;
  }

  createSite(name: string): Promise<NetBoxObject> {
    return this.post('/api/dcim/sites/', { name, slug: slugify(name) });
  }

  async createDevice(name: string): Promise<NetBoxObject> {
    const site = await this.createSite(`${name} site`);
    return this.post('/api/dcim/devices/', {
      name,
      site: site.id,
      device_type: await this.firstId('/api/dcim/device-types/'),
      role: await this.firstId('/api/dcim/device-roles/'),
    });
  }

  async createRack(name: string): Promise<NetBoxObject> {
    const site = await this.createSite(`${name} site`);
    return this.post('/api/dcim/racks/', { name, site: site.id });
  }

  createTenant(name: string): Promise<NetBoxObject> {
    return this.post('/api/tenancy/tenants/', { name, slug: slugify(name) });
  }

  /** Uploads a file (multipart, as scripts do) and links it to each object given. */
  async upload(
    file: FileSpec,
    options: { name?: string; links?: [ObjectTypeName, number][] } = {},
  ): Promise<Attachment> {
    const response = await this.request.post(`${PLUGIN_API}/netbox-attachments/`, {
      multipart: { name: options.name ?? file.name, file },
    });
    expect(response.status(), `upload of ${file.name}: ${await response.text()}`).toBe(201);
    const attachment: Attachment = await response.json();
    for (const [objectType, objectId] of options.links ?? []) await this.link(attachment.id, objectType, objectId);
    return this.attachment(attachment.id);
  }

  link(attachmentId: number, objectType: ObjectTypeName, objectId: number) {
    return this.post(`${PLUGIN_API}/netbox-attachment-assignments/`, {
      attachment: attachmentId,
      object_type: objectType,
      object_id: objectId,
    });
  }

  attachment(id: number): Promise<Attachment> {
    return this.get(`${PLUGIN_API}/netbox-attachments/${id}/`);
  }

  /** The attachments whose name, file name or description contains `q`. */
  async findAttachments(q: string): Promise<Attachment[]> {
    return (await this.get<{ results: Attachment[] }>(`${PLUGIN_API}/netbox-attachments/`, { q })).results;
  }

  async findAttachment(q: string): Promise<Attachment> {
    const found = await this.findAttachments(q);
    expect(found, `attachments matching ${q}`).toHaveLength(1);
    return found[0];
  }

  async download(id: number): Promise<Buffer> {
    const response = await this.request.get(`${PLUGIN_API}/netbox-attachments/${id}/download/`, {
      headers: { Accept: '*/*' },
    });
    expect(response.status(), `download of attachment ${id}`).toBe(200);
    return response.body();
  }
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
