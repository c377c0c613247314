import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { CSRF_TOKEN, ORIGIN, attachment, fileOf, page, widgetConfig } from '../test/builders';
import { URLS, answer, hold, json, pageApi, queryOf, refusal, sent, server, storedFrom } from '../test/server';
import { ApiError, describeError } from './client';

const ATTACHMENTS = '/api/plugins/netbox-attachments/netbox-attachments/';
const UNREACHABLE = 'The server could not be reached. Check the connection and try again.';
const HTML_PAGE = '<!DOCTYPE html><html><head><title>Server Error</title></head><body><h1>Oops</h1></body></html>';

// What NetBox 4.7 answers a bulk POST whose entries 1 and 2 fail (netbox/api/viewsets/mixins.py, bulk_create).
const BULK_CREATE_REFUSED = {
  detail: '2 of 3 objects could not be created.',
  errors: [
    { index: 1, errors: { object_id: ['No such object.'] } },
    { index: 2, errors: { non_field_errors: ['This attachment is already linked to this object.'] } },
  ],
};
const BULK_CREATE_MESSAGE =
  '2 of 3 objects could not be created. Object: No such object. This attachment is already linked to this object.';

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

  it('gives the summary of a failed bulk create, then each entry’s errors once, without their structure', () => {
    // NetBox 4.7's BulkCreateModelMixin: per entry, its position in the request and the serializer's errors.
    expect(describeError(400, BULK_CREATE_REFUSED)).toBe(BULK_CREATE_MESSAGE);
  });

  it('gives the entries NetBox refused a bulk create for by permission', () => {
    const body = {
      detail: '2 of 2 objects could not be created.',
      errors: [0, 1].map((index) => ({
        index,
        errors: { __all__: ['You do not have permission to perform this action on this object.'] },
      })),
    };
    expect(describeError(403, body)).toBe(
      '2 of 2 objects could not be created. You do not have permission to perform this action on this object.',
    );
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
  it('sends the CSRF token, the session cookie and Accept: JSON with each request', async () => {
    await pageApi().listAttachments({});
    const [request] = sent('GET', URLS.attachments);
    expect(request.headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(request.headers.get('Accept')).toBe('application/json');
    expect(request.credentials).toBe('same-origin');
  });

  it('prefixes NetBox’s base path to the API path', async () => {
    server.use(http.get(`${ORIGIN}/netbox${ATTACHMENTS}`, () => json(page([]))));
    await pageApi(widgetConfig({ basePath: '/netbox' })).listAttachments({});
    expect(sent().map((request) => request.url)).toEqual([`${ORIGIN}/netbox${ATTACHMENTS}`]);
  });

  it('sends list filters as repeated parameters', async () => {
    await pageApi().listAttachments({ object_type_id: [7], object_id: [5, 6], limit: 25 });
    expect(queryOf(sent('GET', URLS.attachments)[0])).toEqual([
      ['object_type_id', '7'],
      ['object_id', '5'],
      ['object_id', '6'],
      ['limit', '25'],
    ]);
  });

  it('resolves with the page the server returns', async () => {
    const list = page([attachment({ name: 'Rack manual' })], 30);
    server.use(answer.attachments(list));
    await expect(pageApi().listAttachments({})).resolves.toEqual(list);
  });

  it('rejects a refused request with an ApiError whose message is the server’s reason', async () => {
    server.use(
      http.post(
        URLS.assignments,
        refusal(400, { non_field_errors: ['This attachment is already linked to this object.'] }),
      ),
    );
    const error = await pageApi()
      .link(3, 'dcim.device', 5)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'This attachment is already linked to this object.' });
  });

  it('gives the reason of a 404 from the server', async () => {
    server.use(http.get(URLS.attachment(3), refusal(404, { detail: 'No NetBoxAttachment matches the given query.' })));
    await expect(pageApi().getAttachment(3)).rejects.toMatchObject({
      status: 404,
      message: 'No NetBoxAttachment matches the given query.',
    });
  });

  it('does not show the HTML page of a failed request', async () => {
    server.use(
      http.get(
        URLS.attachments,
        () => new HttpResponse(HTML_PAGE, { status: 500, headers: { 'Content-Type': 'text/html; charset=utf-8' } }),
      ),
    );
    await expect(pageApi().listAttachments({})).rejects.toMatchObject({
      status: 500,
      message: 'The server answered with an error (HTTP 500).',
    });
  });

  it('rejects with the status-0 message when the network fails', async () => {
    server.use(http.get(URLS.attachments, () => HttpResponse.error()));
    await expect(pageApi().listAttachments({})).rejects.toMatchObject({
      name: 'ApiError',
      status: 0,
      message: UNREACHABLE,
    });
  });

  it('lets a cancelled request reject as an AbortError, not as an unreachable server', async () => {
    const held = hold('get', URLS.attachments);
    const controller = new AbortController();
    const listed = pageApi().listAttachments({}, controller.signal);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    controller.abort();
    await expect(listed).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('links one object with a JSON body', async () => {
    await expect(pageApi().link(3, 'dcim.device', 5)).resolves.toMatchObject({
      attachment: { id: 3 },
      object_type: 'dcim.device',
      object_id: 5,
    });
    const [request] = sent('POST', URLS.assignments);
    expect(request.headers.get('Content-Type')).toBe('application/json');
    expect(request.headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(await request.json()).toEqual({ attachment: 3, object_type: 'dcim.device', object_id: 5 });
  });

  it('links several objects in one request whose body is a list', async () => {
    const links = await pageApi().linkMany(3, 'dcim.device', [5, 6]);
    expect(links.map((link) => link.object_id)).toEqual([5, 6]);
    const requests = sent();
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([`POST ${URLS.assignments}`]);
    expect(await requests[0].json()).toEqual([
      { attachment: 3, object_type: 'dcim.device', object_id: 5 },
      { attachment: 3, object_type: 'dcim.device', object_id: 6 },
    ]);
  });

  it('rejects a refused bulk link with NetBox’s summary and each entry’s errors', async () => {
    server.use(http.post(URLS.assignments, refusal(400, BULK_CREATE_REFUSED)));
    await expect(pageApi().linkMany(3, 'dcim.device', [5, 6, 7])).rejects.toMatchObject({
      status: 400,
      message: BULK_CREATE_MESSAGE,
    });
  });

  it('unlinks with DELETE on the assignment, with the CSRF token', async () => {
    await expect(pageApi().unlink(5001)).resolves.toBeUndefined();
    const requests = sent();
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([`DELETE ${URLS.assignment(5001)}`]);
    expect(requests[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
  });

  it('deletes an attachment and resolves on 204 No Content', async () => {
    await expect(pageApi().deleteAttachment(3)).resolves.toBeUndefined();
    expect(sent().map((request) => `${request.method} ${request.url}`)).toEqual([`DELETE ${URLS.attachment(3)}`]);
  });

  it('searches NetBox’s own API in brief form, with the CSRF token and the session cookie', async () => {
    server.use(answer.netbox('/api/dcim/devices/', [{ id: 5, display: 'dc1-sw1' }]));
    await expect(pageApi().searchObjects('/api/dcim/devices/', 'dc1')).resolves.toEqual([
      { id: 5, display: 'dc1-sw1' },
    ]);
    const [request] = sent('GET', `${ORIGIN}/api/dcim/devices/`);
    expect(queryOf(request)).toEqual([
      ['q', 'dc1'],
      ['brief', '1'],
      ['limit', '20'],
    ]);
    expect(request.headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(request.credentials).toBe('same-origin');
  });

  it('lists the tags under NetBox’s base path, in brief form', async () => {
    const tags = [{ id: 1, display: 'Manual', slug: 'manual' }];
    server.use(http.get(`${ORIGIN}/netbox/api/extras/tags/`, () => json({ count: 1, results: tags })));
    await expect(pageApi(widgetConfig({ basePath: '/netbox' })).listTags()).resolves.toEqual(tags);
    expect(queryOf(sent()[0])).toEqual([
      ['brief', '1'],
      ['limit', '1000'],
    ]);
  });

  it('rejects a refused search with the server’s reason', async () => {
    server.use(
      http.get(
        `${ORIGIN}/api/dcim/devices/`,
        refusal(403, { detail: 'You do not have permission to perform this action.' }),
      ),
    );
    await expect(pageApi().searchObjects('/api/dcim/devices/', 'dc1')).rejects.toMatchObject({
      status: 403,
      message: 'You do not have permission to perform this action.',
    });
  });

  describe('readText', () => {
    const DOWNLOAD = URLS.download(3);
    const serve = (text: string, init?: ResponseInit) =>
      server.use(http.get(DOWNLOAD, () => new HttpResponse(text, init)));

    it('asks for the first bytes only, with a Range header and the session cookie', async () => {
      serve('hello');
      await pageApi().readText(DOWNLOAD, 100);
      const [request] = sent('GET', DOWNLOAD);
      expect(request.headers.get('Range')).toBe('bytes=0-99');
      expect(request.credentials).toBe('same-origin');
    });

    it('reports the text as truncated when a 206 says the file is longer', async () => {
      serve('first part', { status: 206, headers: { 'Content-Range': 'bytes 0-99/1234' } });
      await expect(pageApi().readText(DOWNLOAD, 100)).resolves.toEqual({ text: 'first part', truncated: true });
    });

    it('reports the whole text when the server sends the complete file', async () => {
      serve('all of it', { status: 200 });
      await expect(pageApi().readText(DOWNLOAD, 100)).resolves.toEqual({ text: 'all of it', truncated: false });
    });

    it('rejects with the described error when the download is refused', async () => {
      server.use(http.get(DOWNLOAD, refusal(404, { detail: 'Not found.' })));
      await expect(pageApi().readText(DOWNLOAD, 100)).rejects.toMatchObject({ status: 404, message: 'Not found.' });
    });
  });
});

describe('createApi upload', () => {
  it('posts the file as form data to the attachment endpoint, with the CSRF token, and resolves with it', async () => {
    const file = new File(['%PDF-1.7 rack'], 'rack.pdf', { type: 'application/pdf' });
    const stored = await pageApi().upload(file);
    expect(stored).toMatchObject({ name: 'rack.pdf', filename: 'rack.pdf', size: 13 });
    const [request] = sent();
    expect(`${request.method} ${request.url}`).toBe(`POST ${URLS.attachments}`);
    expect(request.headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(request.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request.formData();
    expect([...form.keys()]).toEqual(['file']);
    const sentFile = form.get('file') as File;
    expect(sentFile).toMatchObject({ name: 'rack.pdf', type: 'application/pdf' });
    expect(await sentFile.text()).toBe('%PDF-1.7 rack');
  });

  it('posts under NetBox’s base path', async () => {
    server.use(
      http.post(`${ORIGIN}/netbox${ATTACHMENTS}`, async ({ request }) => json(await storedFrom(request), 201)),
    );
    await pageApi(widgetConfig({ basePath: '/netbox' })).upload(fileOf('rack.pdf', 10));
    expect(sent().map((request) => request.url)).toEqual([`${ORIGIN}/netbox${ATTACHMENTS}`]);
  });

  it('reports the bytes sent, out of the whole request body', async () => {
    // MSW reports an upload's progress once, when its body has been received; a browser reports it as it goes.
    let received = 0;
    server.use(
      http.post(URLS.attachments, async ({ request }) => {
        received = (await request.clone().arrayBuffer()).byteLength;
        return json(await storedFrom(request), 201);
      }),
    );
    const onProgress = vi.fn();
    await pageApi().upload(fileOf('rack.pdf', 200), { onProgress });
    expect(received).toBeGreaterThan(200); // the file and its multipart envelope
    expect(onProgress.mock.calls).toEqual([[received, received]]);
  });

  it('aborts the request when the signal fires, and rejects with an AbortError', async () => {
    const held = hold('post', URLS.attachments);
    const controller = new AbortController();
    const stored = pageApi().upload(fileOf('rack.pdf', 10), { signal: controller.signal });
    await vi.waitFor(() => expect(held).toHaveLength(1));
    controller.abort();
    await expect(stored).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('never sends a file whose signal was already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pageApi().upload(fileOf('rack.pdf', 10), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // time for a request, had one been sent
    expect(sent()).toEqual([]);
  });

  it('rejects a refused upload with the described error', async () => {
    server.use(http.post(URLS.attachments, refusal(400, { file: ['The submitted file is empty.'] })));
    const error = await pageApi()
      .upload(fileOf('empty.txt', 1))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'File: The submitted file is empty.' });
  });

  it('says the file is too large when a proxy answers 413 with an HTML page', async () => {
    server.use(
      http.post(
        URLS.attachments,
        () =>
          new HttpResponse('<html><body><h1>413 Request Entity Too Large</h1></body></html>', {
            status: 413,
            headers: { 'Content-Type': 'text/html' },
          }),
      ),
    );
    await expect(pageApi().upload(fileOf('big.iso', 10))).rejects.toMatchObject({
      status: 413,
      message: 'The file is larger than the server accepts.',
    });
  });

  it('rejects with the status-0 message when the connection fails', async () => {
    server.use(http.post(URLS.attachments, () => HttpResponse.error()));
    await expect(pageApi().upload(fileOf('rack.pdf', 10))).rejects.toMatchObject({ status: 0, message: UNREACHABLE });
  });
});
