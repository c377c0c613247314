// An in-memory stand-in for the plugin's REST API, for component tests: it keeps attachments and links, applies the
// rules the server applies (duplicate links refused, counts across all links), and lets a test drive each upload.
// The real API is exercised by the Python tests and the browser suite.
// Being replaced by request-level mocks (./server.ts, ./builders.ts), which run the real client; only the Manager and
// ObjectWidget tests still use this stand-in.
import { vi } from 'vitest';

import {
  ApiError,
  type Api,
  type Attachment,
  type AttachmentQuery,
  type BriefObject,
  type UploadOptions,
} from '../api/client';
import { DEVICE, fileOf, widgetConfig } from './builders';

export { DEVICE, fileOf, widgetConfig };

export interface PendingUpload {
  file: File;
  options: UploadOptions;
  progress: (loaded: number) => void;
  finish: () => Attachment;
  fail: (status: number, message: string) => void;
}

let nextId = 100;

export function makeAttachment(fields: Partial<Attachment> & { name: string }): Attachment {
  const id = fields.id ?? nextId++;
  return {
    id,
    url: `http://netbox.test/api/plugins/netbox-attachments/netbox-attachments/${id}/`,
    display_url: `http://netbox.test/plugins/netbox-attachments/netbox-attachments/${id}/`,
    display: fields.name,
    description: '',
    file: `http://netbox.test/media/netbox-attachments/${fields.filename ?? fields.name}`,
    filename: fields.filename ?? `${fields.name}.txt`,
    size: 1234,
    content_type: 'text/plain',
    sha256: '0'.repeat(64),
    download_url: `http://netbox.test/api/plugins/netbox-attachments/netbox-attachments/${id}/download/`,
    assignments: [],
    assignment_count: 0,
    comments: '',
    tags: [],
    custom_fields: {},
    created: '2026-11-01T10:00:00Z',
    last_updated: '2026-11-01T10:00:00Z',
    ...fields,
  } as Attachment;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function createFakeApi(initial: Attachment[] = []) {
  const attachments = new Map(initial.map((a) => [a.id, structuredClone(a) as Mutable<Attachment>]));
  const uploads: PendingUpload[] = [];
  let nextLink = 1000;

  const link = (attachmentId: number, objectType: string, objectId: number) => {
    const attachment = attachments.get(attachmentId);
    if (!attachment) throw new ApiError(400, 'Attachment: No such object.');
    if (attachment.assignments.some((a) => a.object_type === objectType && a.object_id === objectId)) {
      throw new ApiError(400, 'This attachment is already linked to this object.');
    }
    const assignment = {
      id: nextLink++,
      url: '',
      display: '',
      attachment: attachmentId,
      object_type: objectType,
      object_id: objectId,
      parent: { id: objectId, display: `${objectType} ${objectId}`, display_url: `http://netbox.test/${objectId}/` },
      tags: [],
      custom_fields: {},
      created: null,
      last_updated: null,
    };
    attachment.assignments.push(assignment);
    attachment.assignment_count += 1;
    return assignment;
  };

  const api = {
    listAttachments: vi.fn(async (query: AttachmentQuery) => {
      let results = [...attachments.values()];
      if (query.q) {
        const q = query.q.toLowerCase();
        results = results.filter((a) => [a.name, a.filename, a.description].some((v) => v?.toLowerCase().includes(q)));
      }
      if (query.object_id) {
        results = results.filter((a) => a.assignments.some((l) => query.object_id!.includes(l.object_id)));
      }
      if (query.has_assignments !== undefined)
        results = results.filter((a) => a.assignment_count > 0 === query.has_assignments);
      const offset = query.offset ?? 0;
      const page = results.slice(offset, offset + (query.limit ?? 50));
      return { count: results.length, results: structuredClone(page) };
    }),
    link: vi.fn(async (attachmentId: number, objectType: string, objectId: number) =>
      link(attachmentId, objectType, objectId),
    ),
    linkMany: vi.fn(async (attachmentId: number, objectType: string, objectIds: number[]) =>
      objectIds.map((id) => link(attachmentId, objectType, id)),
    ),
    unlink: vi.fn(async (assignmentId: number) => {
      for (const attachment of attachments.values()) {
        const before = attachment.assignments.length;
        attachment.assignments = attachment.assignments.filter((l) => l.id !== assignmentId);
        attachment.assignment_count -= before - attachment.assignments.length;
      }
    }),
    deleteAttachment: vi.fn(async (id: number) => {
      attachments.delete(id);
    }),
    getAttachment: vi.fn(async (id: number) => structuredClone(attachments.get(id)!)),
    readText: vi.fn(async () => ({ text: 'hello', truncated: false })),
    searchObjects: vi.fn(async (_url: string, q: string): Promise<BriefObject[]> =>
      [1, 2, 3].map((id) => ({ id, display: `${q || 'object'} ${id}` })),
    ),
    listTags: vi.fn(async () => [{ id: 1, display: 'Manual', slug: 'manual' }]),
    upload: vi.fn(
      (file: File, options: UploadOptions = {}) =>
        new Promise<Attachment>((resolve, reject) => {
          const pending: PendingUpload = {
            file,
            options,
            progress: (loaded) => options.onProgress?.(loaded, file.size),
            finish: () => {
              const attachment = makeAttachment({ name: file.name, filename: file.name, size: file.size });
              attachments.set(attachment.id, attachment as Mutable<Attachment>);
              resolve(structuredClone(attachment));
              return attachment;
            },
            fail: (status, message) => reject(new ApiError(status, message)),
          };
          options.signal?.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
          uploads.push(pending);
        }),
    ),
  };
  return { api: api as unknown as Api & typeof api, attachments, uploads, link };
}

let nextLinkId = 5000;

/** One entry of an attachment's `assignments`; a null `display` stands for an object that is gone or hidden. */
export function linkOf(
  attachmentId: number,
  objectType: string,
  objectId: number,
  display: string | null = `${objectType} ${objectId}`,
): Attachment['assignments'][number] {
  return {
    id: nextLinkId++,
    url: '',
    display: '',
    attachment: attachmentId,
    object_type: objectType,
    object_id: objectId,
    parent:
      display === null ? null : { id: objectId, display, display_url: `http://netbox.test/${objectType}/${objectId}/` },
    created: null,
    last_updated: null,
  } as Attachment['assignments'][number];
}
