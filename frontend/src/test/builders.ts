// Data for tests, typed by the generated OpenAPI schema: what the handlers of ./server.ts answer is shaped like the
// server's answers, and a change of the schema fails these builders at typecheck time.
import type { BriefObject } from '../api/client';
import type { components } from '../api/schema';
import type { TargetObject, WidgetConfig } from '../config';

type Schemas = components['schemas'];
export type Attachment = Schemas['NetBoxAttachment'];
export type BriefAttachment = Schemas['BriefNetBoxAttachment'];
/** One entry of an attachment's `assignments`. */
export type Link = Schemas['AttachmentAssignment'];
/** An assignment as the assignment endpoint answers it, e.g. to a POST. */
export type Assignment = Schemas['NetBoxAttachmentAssignment'];
export type Page = Schemas['PaginatedNetBoxAttachmentList'];
/** A page of a list asked for with `brief=true`: the serializer's brief fields only. */
export type BriefPage = Omit<Page, 'results'> & { results: BriefAttachment[] };

/** The origin of the page the tests run on (jsdom's URL, set in vitest.config.mts) and of the URLs the API answers. */
export const ORIGIN = 'http://netbox.test';
const API = `${ORIGIN}/api/plugins/netbox-attachments`;
const UI = `${ORIGIN}/plugins/netbox-attachments`;

export const CSRF_TOKEN = 'csrf-token-of-the-page';

export const DEVICE: TargetObject = { type: 'dcim.device', typeId: 7, id: 5, display: 'dc1-sw1', typeLabel: 'device' };

/** The configuration Django puts on an object page, for a user who may do everything. */
export function widgetConfig(overrides: Partial<WidgetConfig> = {}): WidgetConfig {
  return {
    basePath: '',
    csrfToken: CSRF_TOKEN,
    maxUploadSize: 1024 * 1024,
    inlineContentTypes: ['application/pdf', 'image/png', 'text/plain'],
    capabilities: { upload: true, uploadUnlinked: true, link: true, unlink: true, deleteEverywhere: true },
    attachmentListUrl: '/plugins/netbox-attachments/netbox-attachments/',
    object: DEVICE,
    ...overrides,
  };
}

export function fileOf(name: string, size: number, type = 'text/plain'): File {
  return new File([new Uint8Array(size)], name, { type });
}

let nextId = 100;

/** An attachment as the API lists it, linked to nothing unless `assignments` says otherwise. */
export function attachment(fields: Partial<Attachment> & { name: string }): Attachment {
  const id = fields.id ?? nextId++;
  const filename = fields.filename ?? `${fields.name}.txt`;
  const assignments = fields.assignments ?? [];
  return {
    id,
    url: `${API}/netbox-attachments/${id}/`,
    display_url: `${UI}/netbox-attachments/${id}/`,
    display: fields.name,
    description: '',
    file: `${ORIGIN}/media/netbox-attachments/${filename}`,
    filename,
    size: 1234,
    content_type: 'text/plain',
    sha256: '0'.repeat(64),
    download_url: `${API}/netbox-attachments/${id}/download/`,
    assignment_count: assignments.length,
    comments: '',
    tags: [],
    custom_fields: {},
    created: '2026-11-01T10:00:00Z',
    last_updated: '2026-11-01T10:00:00Z',
    ...fields,
    assignments,
  };
}

let nextLinkId = 5000;

/** One entry of an attachment's `assignments`; a null `display` stands for an object that is gone or hidden. */
export function assignmentOf(
  attachmentId: number,
  objectType: string,
  objectId: number,
  display: string | null = `${objectType} ${objectId}`,
): Link {
  const id = nextLinkId++;
  const [app, model] = objectType.split('.');
  return {
    id,
    url: `${API}/netbox-attachment-assignments/${id}/`,
    display: `Attachment ${attachmentId} → ${display ?? objectType}`,
    attachment: attachmentId,
    object_type: objectType,
    object_id: objectId,
    parent:
      display === null
        ? null
        : {
            id: objectId,
            display,
            url: `${ORIGIN}/api/${app}/${model}s/${objectId}/`,
            display_url: `${ORIGIN}/${app}/${model}s/${objectId}/`,
          },
    tags: [],
    custom_fields: {},
    created: '2026-11-01T10:00:00Z',
    last_updated: '2026-11-01T10:00:00Z',
  };
}

/** The attachment with the brief fields only, as a list asked for with `brief=true` gives it. */
export function brief({
  id,
  url,
  display,
  name,
  description,
  file,
  filename,
  size,
  download_url,
}: Attachment): BriefAttachment {
  return { id, url, display, name, description, file, filename, size, download_url };
}

export function page<T extends Attachment | BriefAttachment>(results: T[], count: number = results.length) {
  return { count, next: null, previous: null, results } satisfies Omit<Page, 'results'> & { results: T[] };
}

/** The answer to a POST that links `attachmentId` to an object. */
export function assignment(attachmentId: number, objectType: string, objectId: number): Assignment {
  const link = assignmentOf(attachmentId, objectType, objectId);
  const stored = attachment({ id: attachmentId, name: `Attachment ${attachmentId}` });
  return { ...link, attachment: brief(stored) };
}

/** A page of NetBox's own API in brief form (object search, tags), which the plugin's schema does not describe. */
export function netboxPage<T extends BriefObject>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}
