// The one client of the plugin's REST API: openapi-fetch typed by the generated schema, with the session cookie and
// the page's CSRF token. Uploads use XMLHttpRequest, the only browser API that reports upload progress.
import createClient from 'openapi-fetch';

import type { CommonConfig } from '../config';
import type { components, paths } from './schema';

export type Attachment = components['schemas']['NetBoxAttachment'];
export type NestedAssignment = components['schemas']['AttachmentAssignment'];
export type Assignment = components['schemas']['NetBoxAttachmentAssignment'];
export type AttachmentPage = components['schemas']['PaginatedNetBoxAttachmentList'];
export type AttachmentQuery = NonNullable<
  paths['/api/plugins/netbox-attachments/netbox-attachments/']['get']['parameters']['query']
>;

const ATTACHMENTS = '/api/plugins/netbox-attachments/netbox-attachments/' satisfies keyof paths;

/** An object of NetBox's own API in its brief form, as the object search and tag pickers show it. */
export interface BriefObject {
  id: number;
  display: string;
  url?: string;
  display_url?: string;
}

export interface UploadOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** A refused or failed call, with a message written for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const FIELD_LABELS: Record<string, string> = {
  file: 'File',
  name: 'Name',
  attachment: 'Attachment',
  object_type: 'Object type',
  object_id: 'Object',
};

// Keys whose messages need no label: a whole-request or whole-object reason, and the list of a bulk request's failed
// entries in NetBox's {"detail": "2 of 3 objects could not be created.", "errors": [{"index": 1, "errors": {…}}]}
// (each entry's `index` is a number, which gives no message).
const UNLABELLED = new Set(['detail', 'non_field_errors', '__all__', 'errors']);

function messagesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([field, inner]) => {
      const label = UNLABELLED.has(field) ? '' : (FIELD_LABELS[field] ?? field);
      return messagesOf(inner).map((message) => (label ? `${label}: ${message}` : message));
    });
  }
  return [];
}

/**
 * Turns an error response (DRF's {field: [messages]}, {detail}, NetBox's bulk {detail, errors}, DRF's bulk list, or
 * plain text) into one sentence, each message once.
 */
export function describeError(status: number, body: unknown): string {
  if (status === 0) return 'The server could not be reached. Check the connection and try again.';
  // openapi-fetch hands over the raw text of a body that is not JSON, such as a proxy's or Django's HTML error page.
  const messages = [...new Set(messagesOf(typeof body === 'string' ? parseBody(body) : body))].filter(Boolean);
  if (messages.length) return messages.join(' ');
  if (status === 403) return 'You do not have permission to do this.';
  if (status === 404) return 'Not found: it may have been deleted meanwhile.';
  if (status === 413) return 'The file is larger than the server accepts.';
  return `The server answered with an error (HTTP ${status}).`;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.length < 300 && !text.trimStart().startsWith('<') ? text : null; // never show an HTML error page
  }
}

export type Api = ReturnType<typeof createApi>;

export function createApi(config: Pick<CommonConfig, 'basePath' | 'csrfToken'>, fetchImpl: typeof fetch = fetch) {
  const headers = { 'X-CSRFToken': config.csrfToken, Accept: 'application/json' };
  const client = createClient<paths>({
    baseUrl: config.basePath,
    credentials: 'same-origin',
    headers,
    fetch: (request: Request) => fetchImpl(request),
  });

  async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let result;
    try {
      result = await call;
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, describeError(0, null));
    }
    if (!result.response.ok)
      throw new ApiError(result.response.status, describeError(result.response.status, result.error));
    return result.data as T;
  }

  /** GET on NetBox's own API (object search, tags): outside the plugin's schema, so typed by hand. */
  async function netboxList(url: string, query: Record<string, string | number>): Promise<BriefObject[]> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    let response: Response;
    try {
      response = await fetchImpl(`${url}?${params}`, { credentials: 'same-origin', headers });
    } catch {
      throw new ApiError(0, describeError(0, null));
    }
    const body = parseBody(await response.text());
    if (!response.ok) throw new ApiError(response.status, describeError(response.status, body));
    return (body as { results: BriefObject[] }).results;
  }

  return {
    listAttachments: (query: AttachmentQuery, signal?: AbortSignal) =>
      unwrap<AttachmentPage>(client.GET(ATTACHMENTS, { params: { query }, signal })),

    getAttachment: (id: number) =>
      unwrap<Attachment>(
        client.GET('/api/plugins/netbox-attachments/netbox-attachments/{id}/', { params: { path: { id } } }),
      ),

    deleteAttachment: (id: number) =>
      unwrap<unknown>(
        client.DELETE('/api/plugins/netbox-attachments/netbox-attachments/{id}/', { params: { path: { id } } }),
      ),

    link: (attachment: number, objectType: string, objectId: number) =>
      unwrap<Assignment>(
        client.POST('/api/plugins/netbox-attachments/netbox-attachment-assignments/', {
          body: { attachment, object_type: objectType, object_id: objectId },
        }),
      ),

    /** Links one attachment to several objects in one all-or-nothing request. */
    linkMany: (attachment: number, objectType: string, objectIds: number[]) =>
      // The endpoint takes a list for bulk creation; the generated types describe the single form only.
      unwrap<Assignment[]>(
        client.POST('/api/plugins/netbox-attachments/netbox-attachment-assignments/', {
          body: objectIds.map((id) => ({ attachment, object_type: objectType, object_id: id })) as never,
        }) as unknown as Promise<{ data?: Assignment[]; error?: unknown; response: Response }>,
      ),

    unlink: (assignmentId: number) =>
      unwrap<unknown>(
        client.DELETE('/api/plugins/netbox-attachments/netbox-attachment-assignments/{id}/', {
          params: { path: { id: assignmentId } },
        }),
      ),

    /** The first bytes of a file, for a text preview: a Range request keeps a huge log from being downloaded. */
    async readText(downloadUrl: string, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
      let response: Response;
      try {
        response = await fetchImpl(downloadUrl, {
          credentials: 'same-origin',
          headers: { Range: `bytes=0-${maxBytes - 1}` },
        });
      } catch {
        throw new ApiError(0, describeError(0, null));
      }
      if (!response.ok)
        throw new ApiError(response.status, describeError(response.status, parseBody(await response.text())));
      const range = response.headers.get('Content-Range'); // "bytes 0-99/1234"
      const total = range ? Number(range.split('/')[1]) : NaN;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(await response.arrayBuffer());
      return { text, truncated: response.status === 206 && total > maxBytes };
    },

    searchObjects: (apiUrl: string, q: string, limit = 20) => netboxList(apiUrl, { q, brief: 1, limit }),

    listTags: () =>
      netboxList(`${config.basePath}/api/extras/tags/`, { brief: 1, limit: 1000 }) as Promise<
        (BriefObject & { slug?: string; name?: string })[]
      >,

    /** Stores one file as a new attachment; the link to an object is a second call, made by the caller. */
    upload(file: File, { onProgress, signal }: UploadOptions = {}): Promise<Attachment> {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${config.basePath}${ATTACHMENTS}`);
        xhr.withCredentials = true;
        for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
        xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
        xhr.onload = () => {
          const body = parseBody(xhr.responseText);
          if (xhr.status >= 200 && xhr.status < 300) resolve(body as Attachment);
          else reject(new ApiError(xhr.status, describeError(xhr.status, body)));
        };
        xhr.onerror = () => reject(new ApiError(0, describeError(0, null)));
        xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
        if (signal) {
          if (signal.aborted) return reject(new DOMException('Upload cancelled', 'AbortError'));
          signal.addEventListener('abort', () => xhr.abort(), { once: true });
        }
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
      });
    },
  };
}
