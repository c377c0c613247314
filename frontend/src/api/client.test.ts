import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { fileOf } from '../test/fakeApi';
import { ApiError, createApi, describeError } from './client';

const ATTACHMENTS = '/api/plugins/netbox-attachments/netbox-attachments/';
const UNREACHABLE = 'The server could not be reached. Check the connection and try again.';
const HTML_PAGE = '<!DOCTYPE html><html><head><title>Server Error</title></head><body><h1>Oops</h1></body></html>';

describe('describeError', () => {
  it('labels a DRF field error with the field', () => {
    expect(describeError(400, { file: ['The submitted file is empty.'] })).toBe('File: The submitted file is empty.');
  });

  it('names an unknown field by its key', () => {
    expect(describeError(400, { colour: ['Not a valid choice.'] })).toBe('colour: Not a valid choice.');
  });

  it('gives the text of {detail} without a label', () => {
    expect(describeError(403, { detail: 'You do not have permission to perform this action.' })).toBe(
      'You do not have permission to perform this action.',
    );
  });

  it('gives non-field errors without a label', () => {
    expect(describeError(400, { non_field_errors: ['This attachment is already linked to this object.'] })).toBe(
      'This attachment is already linked to this object.',
    );
  });

  it('joins the errors of a bulk request once each, skipping the items that passed', () => {
    const body = [
      {},
      { non_field_errors: ['This attachment is already linked to this object.'] },
      { non_field_errors: ['This attachment is already linked to this object.'] },
      { object_id: ['No such object.'] },
    ];
    expect(describeError(400, body)).toBe('This attachment is already linked to this object. Object: No such object.');
  });

  it('says the server could not be reached for status 0', () => {
    expect(describeError(0, null)).toBe(UNREACHABLE);
  });

  it('shows a short plain-text body', () => {
    expect(describeError(502, 'Bad Gateway')).toBe('Bad Gateway');
  });

  it('never shows an HTML error page', () => {
    expect(describeError(500, HTML_PAGE)).toBe('The server answered with an error (HTTP 500).');
  });

  it.each([
    [403, 'You do not have permission to do this.'],
    [404, 'Not found: it may have been deleted meanwhile.'],
    [413, 'The file is larger than the server accepts.'],
    [500, 'The server answered with an error (HTTP 500).'],
  ])('falls back to a sentence for HTTP %i with no usable body', (status, sentence) => {
    expect(describeError(status, null)).toBe(sentence);
    expect(describeError(status, {})).toBe(sentence);
  });
});

describe('createApi', () => {
  // A browser resolves openapi-fetch's path-only URLs against the page; Node's Request refuses them, so the tests
  // give it the page's address as a browser would.
  beforeEach(() => {
    const NodeRequest = globalThis.Request;
    vi.stubGlobal(
      'Request',
      class extends NodeRequest {
        constructor(input: RequestInfo | URL, init?: RequestInit) {
          super(typeof input === 'string' ? new URL(input, window.location.href) : input, init);
        }
      },
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function apiWith(respond: (request: Request) => Response | Promise<Response>) {
    const fetchImpl = vi.fn(async (input: RequestInfo | URL) => respond(input as Request));
    const api = createApi({ basePath: '/netbox', csrfToken: 'secret-token' }, fetchImpl as unknown as typeof fetch);
    const sent = () => fetchImpl.mock.lastCall![0] as Request;
    return { api, fetchImpl, sent };
  }
  const emptyPage = () => Response.json({ count: 0, next: null, previous: null, results: [] });

  it('sends the CSRF token and the session cookie with each request', async () => {
    const { api, sent } = apiWith(emptyPage);
    await api.listAttachments({});
    expect(sent().headers.get('X-CSRFToken')).toBe('secret-token');
    expect(sent().credentials).toBe('same-origin');
  });

  it('prefixes the base path to the API path', async () => {
    const { api, sent } = apiWith(emptyPage);
    await api.listAttachments({});
    expect(new URL(sent().url).pathname).toBe(`/netbox${ATTACHMENTS}`);
  });

  it('sends list filters as repeated parameters', async () => {
    const { api, sent } = apiWith(emptyPage);
    await api.listAttachments({ object_type_id: [7], object_id: [5, 6], limit: 25 });
    const url = new URL(sent().url);
    expect(url.search).toContain('object_type_id=7&object_id=5&object_id=6');
    expect(url.searchParams.get('limit')).toBe('25');
  });

  it('resolves with the page the server returns', async () => {
    const page = { count: 1, next: null, previous: null, results: [{ id: 3, name: 'Rack manual' }] };
    const { api } = apiWith(() => Response.json(page));
    await expect(api.listAttachments({})).resolves.toEqual(page);
  });

  it('rejects a refused request with an ApiError whose message is the server’s reason', async () => {
    const { api } = apiWith(() => Response.json({ file: ['The submitted file is empty.'] }, { status: 400 }));
    const error = await api.getAttachment(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'File: The submitted file is empty.' });
  });

  it('does not show the HTML page of a failed request', async () => {
    const { api } = apiWith(
      () => new Response(HTML_PAGE, { status: 500, headers: { 'Content-Type': 'text/html; charset=utf-8' } }),
    );
    await expect(api.listAttachments({})).rejects.toMatchObject({
      status: 500,
      message: 'The server answered with an error (HTTP 500).',
    });
  });

  it('rejects with the status-0 message when the network fails', async () => {
    const { api } = apiWith(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(api.listAttachments({})).rejects.toMatchObject({ name: 'ApiError', status: 0, message: UNREACHABLE });
  });

  it('lets a cancelled request reject as an AbortError, not as an unreachable server', async () => {
    const { api } = apiWith(() => Promise.reject(new DOMException('The operation was aborted.', 'AbortError')));
    await expect(api.listAttachments({})).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('links several objects in one request whose body is a list', async () => {
    const { api, sent } = apiWith(() => Response.json([], { status: 201 }));
    await api.linkMany(3, 'dcim.device', [5, 6]);
    expect(sent().method).toBe('POST');
    expect(new URL(sent().url).pathname).toBe('/netbox/api/plugins/netbox-attachments/netbox-attachment-assignments/');
    expect(await sent().json()).toEqual([
      { attachment: 3, object_type: 'dcim.device', object_id: 5 },
      { attachment: 3, object_type: 'dcim.device', object_id: 6 },
    ]);
  });

  it('deletes an attachment and resolves on 204 No Content', async () => {
    const { api, sent } = apiWith(() => new Response(null, { status: 204 }));
    await expect(api.deleteAttachment(3)).resolves.toBeUndefined();
    expect(sent().method).toBe('DELETE');
    expect(new URL(sent().url).pathname).toBe(`/netbox${ATTACHMENTS}3/`);
  });

  it('searches NetBox’s own API in brief form, with the CSRF token and the session cookie', async () => {
    const fetchImpl = vi.fn(async () => Response.json({ results: [{ id: 5, display: 'dc1-sw1' }] }));
    const api = createApi({ basePath: '/netbox', csrfToken: 'secret-token' }, fetchImpl as unknown as typeof fetch);
    await expect(api.searchObjects('/netbox/api/dcim/devices/', 'dc1')).resolves.toEqual([
      { id: 5, display: 'dc1-sw1' },
    ]);
    expect(fetchImpl).toHaveBeenCalledWith('/netbox/api/dcim/devices/?q=dc1&brief=1&limit=20', {
      credentials: 'same-origin',
      headers: expect.objectContaining({ 'X-CSRFToken': 'secret-token' }),
    });
  });

  describe('readText', () => {
    const DOWNLOAD = '/netbox/api/plugins/netbox-attachments/netbox-attachments/3/download/';

    it('asks for the first bytes only, with a Range header', async () => {
      const fetchImpl = vi.fn(async () => new Response('hello'));
      const api = createApi({ basePath: '/netbox', csrfToken: 'secret-token' }, fetchImpl as unknown as typeof fetch);
      await api.readText(DOWNLOAD, 100);
      expect(fetchImpl).toHaveBeenCalledWith(DOWNLOAD, {
        credentials: 'same-origin',
        headers: { Range: 'bytes=0-99' },
      });
    });

    it('reports the text as truncated when a 206 says the file is longer', async () => {
      const fetchImpl = vi.fn(
        async () => new Response('first part', { status: 206, headers: { 'Content-Range': 'bytes 0-99/1234' } }),
      );
      const api = createApi({ basePath: '', csrfToken: 't' }, fetchImpl as unknown as typeof fetch);
      await expect(api.readText(DOWNLOAD, 100)).resolves.toEqual({ text: 'first part', truncated: true });
    });

    it('reports the whole text when the server sends the complete file', async () => {
      const fetchImpl = vi.fn(async () => new Response('all of it', { status: 200 }));
      const api = createApi({ basePath: '', csrfToken: 't' }, fetchImpl as unknown as typeof fetch);
      await expect(api.readText(DOWNLOAD, 100)).resolves.toEqual({ text: 'all of it', truncated: false });
    });

    it('rejects with the described error when the download is refused', async () => {
      const fetchImpl = vi.fn(async () => Response.json({ detail: 'Not found.' }, { status: 404 }));
      const api = createApi({ basePath: '', csrfToken: 't' }, fetchImpl as unknown as typeof fetch);
      await expect(api.readText(DOWNLOAD, 100)).rejects.toMatchObject({ status: 404, message: 'Not found.' });
    });
  });
});

/** Just enough of XMLHttpRequest for the upload: the test plays the server's part. */
class FakeXhr {
  static last: FakeXhr;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  withCredentials = false;
  body: unknown = undefined;
  sent = false;
  aborted = false;
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: Partial<ProgressEvent>) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
    this.sent = true;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  respond(status: number, body: string) {
    this.status = status;
    this.responseText = body;
    this.onload?.();
  }
}

describe('createApi upload', () => {
  beforeEach(() => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  const api = () => createApi({ basePath: '/netbox', csrfToken: 'secret-token' }, vi.fn());

  it('posts the file as form data to the attachment endpoint, with the CSRF token', async () => {
    const file = fileOf('rack.pdf', 10, 'application/pdf');
    const stored = api().upload(file);
    const xhr = FakeXhr.last;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe(`/netbox${ATTACHMENTS}`);
    expect(xhr.headers['X-CSRFToken']).toBe('secret-token');
    expect(xhr.body).toBeInstanceOf(FormData);
    expect((xhr.body as FormData).get('file')).toMatchObject({ name: 'rack.pdf', size: 10 });
    xhr.respond(201, JSON.stringify({ id: 3, name: 'rack.pdf' }));
    await expect(stored).resolves.toEqual({ id: 3, name: 'rack.pdf' });
  });

  it('reports progress, falling back to the file size when the total is unknown', () => {
    const onProgress = vi.fn();
    void api().upload(fileOf('rack.pdf', 200), { onProgress });
    FakeXhr.last.upload.onprogress!({ loaded: 50, total: 400, lengthComputable: true });
    FakeXhr.last.upload.onprogress!({ loaded: 80, total: 0, lengthComputable: false });
    expect(onProgress.mock.calls).toEqual([
      [50, 400],
      [80, 200],
    ]);
  });

  it('aborts the request when the signal fires, and rejects with an AbortError', async () => {
    const controller = new AbortController();
    const stored = api().upload(fileOf('rack.pdf', 10), { signal: controller.signal });
    controller.abort();
    await expect(stored).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeXhr.last.aborted).toBe(true);
  });

  it('never sends a file whose signal was already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(api().upload(fileOf('rack.pdf', 10), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(FakeXhr.last.sent).toBe(false);
  });

  it('rejects a refused upload with the described error', async () => {
    const stored = api().upload(fileOf('empty.txt', 1));
    FakeXhr.last.respond(400, JSON.stringify({ file: ['The submitted file is empty.'] }));
    const error = await stored.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'File: The submitted file is empty.' });
  });

  it('says the file is too large when a proxy answers 413 with an HTML page', async () => {
    const stored = api().upload(fileOf('big.iso', 10));
    FakeXhr.last.respond(413, '<html><body><h1>413 Request Entity Too Large</h1></body></html>');
    await expect(stored).rejects.toMatchObject({ status: 413, message: 'The file is larger than the server accepts.' });
  });

  it('rejects with the status-0 message when the connection fails', async () => {
    const stored = api().upload(fileOf('rack.pdf', 10));
    FakeXhr.last.onerror!();
    await expect(stored).rejects.toMatchObject({ status: 0, message: UNREACHABLE });
  });
});
