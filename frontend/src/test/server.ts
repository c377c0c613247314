// The plugin's API at the level of HTTP requests, for component tests: Mock Service Worker answers the real requests
// of the real client (api/client.ts). The handlers answer what a test sets up, never apply the server's rules
// (permissions, filters, duplicates): those are the Python suite's. Tests assert what was requested with sent().
// vitest.setup.ts starts the server for every test file and resets it after each test.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';

import { createApi, type BriefObject } from '../api/client';
import type { paths } from '../api/schema';
import type { CommonConfig } from '../config';
import {
  ORIGIN,
  assignment,
  attachment,
  netboxPage,
  page,
  widgetConfig,
  type Assignment,
  type Attachment,
  type BriefPage,
  type Page,
} from './builders';

const ATTACHMENTS = '/api/plugins/netbox-attachments/netbox-attachments/' satisfies keyof paths;
const ASSIGNMENTS = '/api/plugins/netbox-attachments/netbox-attachment-assignments/' satisfies keyof paths;

/** The API's URLs on the test page's origin; `:id` matches any id in a handler. */
export const URLS = {
  attachments: `${ORIGIN}${ATTACHMENTS}`,
  attachment: (id: number | ':id') => `${ORIGIN}${ATTACHMENTS}${id}/`,
  download: (id: number | ':id') => `${ORIGIN}${ATTACHMENTS}${id}/download/`,
  assignments: `${ORIGIN}${ASSIGNMENTS}`,
  assignment: (id: number | ':id') => `${ORIGIN}${ASSIGNMENTS}${id}/`,
};

/** The client as a page makes it from its configuration (entrypoints/*.tsx). */
export function pageApi(config: Pick<CommonConfig, 'basePath' | 'csrfToken'> = widgetConfig()) {
  return createApi(config);
}

/** A JSON answer; the type of `body` is the schema's where the caller names it, e.g. json<Page>(…). */
export const json = <T extends JsonBodyType>(body: T, status = 200) => HttpResponse.json<T>(body, { status });
const noContent = () => new HttpResponse(null, { status: 204 });

/** The file an upload request carries (its body stays unread). */
export async function uploadedFile(request: Request): Promise<File> {
  return (await request.clone().formData()).get('file') as File;
}

/** A stored attachment as the API answers an upload: named after the file the request carried. */
export async function storedFrom(request: Request, fields: Partial<Attachment> = {}): Promise<Attachment> {
  const file = await uploadedFile(request);
  return attachment({ name: file.name, filename: file.name, size: file.size, content_type: file.type, ...fields });
}

/** Answers with the status and body of a refusal, e.g. DRF's `{"detail": "…"}` or `{"field": ["…"]}`. */
export const refusal = (status: number, body: Record<string, unknown>) => () => json(body, status);

// What the server does when nothing else was set up: lists nothing (attachments, NetBox's tags), stores what is
// uploaded, links what is asked for and deletes what is asked for. A test puts its own answers in front with
// server.use().
const defaults = [
  http.get(URLS.attachments, () => json<Page>(page([]))),
  http.get(`${ORIGIN}/api/extras/tags/`, () => json(netboxPage([]))),
  http.post(URLS.attachments, async ({ request }) => json<Attachment>(await storedFrom(request), 201)),
  http.post(URLS.assignments, async ({ request }) => {
    type Item = { attachment: number; object_type: string; object_id: number };
    const body = (await request.json()) as Item | Item[];
    const made = (item: Item) => assignment(item.attachment, item.object_type, item.object_id);
    return json<Assignment | Assignment[]>(Array.isArray(body) ? body.map(made) : made(body), 201);
  }),
  http.delete(URLS.assignment(':id'), noContent),
  http.delete(URLS.attachment(':id'), noContent),
];

export const server = setupServer(...defaults);

/** Handlers for the answers tests set up most; msw's `http` makes any other. */
export const answer = {
  /**
   * The attachment list, whatever the query: the test gives the page the server would send for it, or a function of
   * the request that returns it, e.g. to list what the test stored meanwhile. Never a filter of the server's own.
   */
  attachments: (body: Page | BriefPage | ((request: Request) => Page | BriefPage)) =>
    http.get(URLS.attachments, ({ request }) => json(typeof body === 'function' ? body(request) : body)),
  /** A list of NetBox's own API (object search, tags) at `path`. */
  netbox: (path: string, objects: BriefObject[]) => http.get(`${ORIGIN}${path}`, () => json(netboxPage(objects))),
};

export interface HeldRequest {
  request: Request;
  /** Answers the request; until then the client waits, as on a slow connection. */
  respond: (response: Response | Promise<Response>) => void;
}

/**
 * Holds every request to `method url` until the test answers it, e.g. to see uploads that are still running.
 * The returned list fills as requests arrive, in the order they were sent.
 */
export function hold(method: 'get' | 'post' | 'delete', url: string): HeldRequest[] {
  const held: HeldRequest[] = [];
  server.use(
    http[method](
      url,
      ({ request }) =>
        new Promise<Response>((resolve) => {
          held.push({ request, respond: (response) => void Promise.resolve(response).then(resolve) });
        }),
    ),
  );
  return held;
}

/** Answers a held upload as the server does once it has stored the file. */
export const store = (upload: HeldRequest) =>
  upload.respond(storedFrom(upload.request).then((stored) => json<Attachment>(stored, 201)));

// Every request of the running test, copied before a handler reads its body. A request left without a handler counts
// against the test that sent it only: one a test left running (a refetch of an unmounted list) may meet the next
// test's handlers.
let test = 0;
const startedIn = new Map<string, number>();
let requests: Request[] = [];
let unhandled: string[] = [];
server.events.on('request:start', ({ request, requestId }) => {
  startedIn.set(requestId, test);
  requests.push(request.clone());
});
server.events.on('request:unhandled', ({ request, requestId }) => {
  if (startedIn.get(requestId) === test) unhandled.push(`${request.method} ${request.url}`);
});

/** The requests sent so far in this test, in order, optionally only those of one method and URL (without query). */
export function sent(method?: string, url?: string): Request[] {
  return requests.filter(
    (request) => (!method || request.method === method.toUpperCase()) && (!url || request.url.split('?')[0] === url),
  );
}

/** The query of a request, as a list of [name, value] pairs in the order sent. */
export const queryOf = (request: Request) => [...new URL(request.url).searchParams];

/**
 * Forgets this test's requests and handlers, and throws when one of its requests had no handler: MSW's
 * onUnhandledRequest: 'error' makes such a request fail, which a test expecting a failure would not notice.
 */
export function endOfTest() {
  const missed = unhandled;
  test += 1;
  startedIn.clear();
  requests = [];
  unhandled = [];
  server.resetHandlers();
  if (missed.length) throw new Error(`No handler answered: ${missed.join(', ')}`);
}
