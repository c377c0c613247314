import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { endOfTest, server } from './src/test/server';

// Component tests send real requests (fetch and XMLHttpRequest), answered by Mock Service Worker (src/test/server.ts).
// Where jsdom and Node's fetch, which MSW builds its requests with, disagree, the browser's behaviour is restored:
//
// - Node's fetch cannot read jsdom's Blob, File and FormData: an uploaded file would arrive as the word "undefined",
//   named "blob" (vitest's bridge reads a field jsdom 28 renamed). Node's own take their place.
// - A browser resolves a path-only URL, such as openapi-fetch builds from NetBox's base path, against the page;
//   Node's Request refuses it.
// - MSW answers an XMLHttpRequest in place of jsdom's send(), so jsdom does not know it was sent, and abort() on it
//   fires no events. A browser fires abort and loadend on a request still waiting for its answer.
// (Node's types are not part of the front end's program, hence the untyped import.)
const { Blob: NodeBlob, File: NodeFile } = (await import('node:buffer' as string)) as { Blob: unknown; File: unknown };
const NodeFormData = (await new Response(new URLSearchParams()).formData()).constructor;
Object.assign(globalThis, { Blob: NodeBlob, File: NodeFile, FormData: NodeFormData });

const NodeRequest = globalThis.Request;
globalThis.Request = class Request extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, document.baseURI) : input, init);
  }
};

const jsdomAbort = XMLHttpRequest.prototype.abort;
XMLHttpRequest.prototype.abort = function abort(this: XMLHttpRequest) {
  const waiting = this.readyState === XMLHttpRequest.OPENED; // this suite's client opens a request only to send it
  let fired = false;
  const seen = () => (fired = true);
  this.addEventListener('abort', seen);
  jsdomAbort.call(this);
  this.removeEventListener('abort', seen);
  if (waiting && !fired) for (const type of ['abort', 'loadend']) this.dispatchEvent(new ProgressEvent(type));
};

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0)); // requests sent just before the unmount reach MSW first
  endOfTest();
});
afterAll(() => server.close());

// jsdom has <dialog> but not its modal behaviour; these stand in for showModal()/close() so dialogs open in tests.
// Focus trapping and Escape are the browser's own, and are checked in the end-to-end suite.
if (!HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
}
