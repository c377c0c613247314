import { act, renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import type { Attachment } from '../api/client';
import { DEVICE, fileOf } from '../test/builders';
import { URLS, hold, json, pageApi, refusal, sent, server, store, uploadedFile } from '../test/server';
import { CONCURRENT_UPLOADS, precheck, useUploadQueue, type UploadQueueOptions } from './useUploadQueue';

const MB = 1024 * 1024;

describe('precheck', () => {
  it('refuses a file over the limit, naming both sizes', () => {
    expect(precheck(fileOf('big.iso', 3 * MB), 2 * MB)).toBe('Too large: 3.0 MB, and the limit is 2.0 MB.');
  });
  it('names exact byte counts when a file is so little over the limit that both sizes round alike', () => {
    expect(precheck(fileOf('dump.bin', 2 * MB + 1), 2 * MB)).toBe(
      'Too large: 2,097,153 bytes, and the limit is 2,097,152 bytes.',
    );
  });
  it('refuses an empty file', () => {
    expect(precheck(fileOf('empty.txt', 0), null)).toMatch(/empty/);
  });
  it('accepts anything non-empty when there is no limit', () => {
    expect(precheck(fileOf('any.bin', 5 * MB), null)).toBeNull();
  });
});

/** The queue of a page, uploading through the real client. */
function setup(options: Partial<UploadQueueOptions> = {}) {
  const api = pageApi();
  const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null, ...options }));
  return { api, queue: result };
}

const namesOf = (requests: Request[]) =>
  Promise.all(requests.map(async (request) => (await uploadedFile(request)).name));
const statuses = (items: { status: string }[]) => items.map((item) => item.status);
/** Time for a request to reach the server, had one been sent. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('useUploadQueue', () => {
  it('uploads at most three files at once and starts the next when one finishes', async () => {
    const uploads = hold('post', URLS.attachments);
    const { queue } = setup();
    act(() => queue.current.add([1, 2, 3, 4, 5].map((n) => fileOf(`f${n}.txt`, 10))));
    await waitFor(() => expect(uploads).toHaveLength(CONCURRENT_UPLOADS));
    expect(statuses(queue.current.items)).toEqual(['uploading', 'uploading', 'uploading', 'queued', 'queued']);
    expect(await namesOf(uploads.map((upload) => upload.request))).toEqual(['f1.txt', 'f2.txt', 'f3.txt']);
    store(uploads[0]);
    await waitFor(() => expect(uploads).toHaveLength(4));
    await waitFor(() => expect(queue.current.items[0].status).toBe('done'));
    expect(await uploadedFile(uploads[3].request)).toMatchObject({ name: 'f4.txt' });
    expect(statuses(queue.current.items).slice(1)).toEqual(['uploading', 'uploading', 'uploading', 'queued']);
  });

  it('reports per file the bytes sent while the server has not answered yet', async () => {
    // The server has received each request's body and starts an answer it never finishes.
    server.use(http.post(URLS.attachments, () => new HttpResponse(new ReadableStream(), { status: 201 })));
    const { queue } = setup();
    act(() => queue.current.add([fileOf('small.txt', 10), fileOf('large.txt', 5000)]));
    await waitFor(() => expect(queue.current.items.every((item) => item.loaded > 0)).toBe(true));
    const requests = sent('POST', URLS.attachments);
    expect(await namesOf(requests)).toEqual(['small.txt', 'large.txt']);
    const bodies = await Promise.all(requests.map(async (request) => (await request.arrayBuffer()).byteLength));
    expect(queue.current.items.map((item) => item.loaded)).toEqual(bodies);
    expect(queue.current.items.map((item) => item.total)).toEqual(bodies); // the body, envelope included
    expect(statuses(queue.current.items)).toEqual(['uploading', 'uploading']);
  });

  it('counts a stored file as fully sent, out of its request body', async () => {
    const uploads = hold('post', URLS.attachments);
    const { queue } = setup({ afterUpload: () => new Promise(() => {}) }); // the link never answers
    act(() => queue.current.add([fileOf('a.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(1));
    const body = (await uploads[0].request.clone().arrayBuffer()).byteLength;
    store(uploads[0]);
    await waitFor(() => expect(queue.current.items[0].status).toBe('linking'));
    expect(queue.current.items[0]).toMatchObject({ loaded: body, total: body });
  });

  it('cancels one running upload and leaves the others running', async () => {
    const uploads = hold('post', URLS.attachments);
    const { queue } = setup();
    act(() => queue.current.add([fileOf('a.txt', 10), fileOf('b.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(2));
    act(() => queue.current.cancel(queue.current.items[0].key));
    await waitFor(() => expect(queue.current.items[0].status).toBe('cancelled'));
    expect(queue.current.items[1].status).toBe('uploading');
    store(uploads[1]);
    await waitFor(() => expect(queue.current.items[1].status).toBe('done'));
    expect(queue.current.items[0].status).toBe('cancelled');
  });

  it('never starts a queued file that was cancelled', async () => {
    const uploads = hold('post', URLS.attachments);
    const { queue } = setup();
    act(() => queue.current.add([1, 2, 3, 4].map((n) => fileOf(`f${n}.txt`, 10))));
    await waitFor(() => expect(uploads).toHaveLength(3));
    act(() => queue.current.cancel(queue.current.items[3].key));
    store(uploads[0]);
    await waitFor(() => expect(queue.current.items[0].status).toBe('done'));
    await settle();
    expect(await namesOf(sent('POST', URLS.attachments))).toEqual(['f1.txt', 'f2.txt', 'f3.txt']);
    expect(queue.current.items[3].status).toBe('cancelled');
  });

  it('shows the server’s refusal on that file only', async () => {
    const uploads = hold('post', URLS.attachments);
    const { queue } = setup();
    act(() => queue.current.add([fileOf('a.txt', 10), fileOf('b.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(2));
    uploads[0].respond(json({ file: ['The submitted file is empty.'] }, 400));
    store(uploads[1]);
    await waitFor(() => expect(queue.current.items[1].status).toBe('done'));
    expect(queue.current.items[0]).toMatchObject({ status: 'error', error: 'File: The submitted file is empty.' });
  });

  it('refuses a file over the limit without sending it, and uploads the rest of the drop', async () => {
    const MB = 1024 * 1024;
    const { queue } = setup({ maxUploadSize: MB });
    act(() => queue.current.add([fileOf('big.iso', 2 * MB), fileOf('ok.txt', 10)]));
    await waitFor(() => expect(queue.current.items[1].status).toBe('done'));
    expect(await namesOf(sent('POST', URLS.attachments))).toEqual(['ok.txt']);
    expect(queue.current.items[0]).toMatchObject({
      status: 'error',
      error: 'Too large: 2.0 MB, and the limit is 1.0 MB.',
    });
  });

  it('links each stored file, and says so when the link is refused', async () => {
    server.use(
      http.post(URLS.assignments, refusal(403, { detail: 'You do not have permission to perform this action.' })),
    );
    const onStored = vi.fn();
    const api = pageApi();
    const afterUpload = (stored: Attachment) => api.link(stored.id, DEVICE.type, DEVICE.id);
    const { queue } = setup({ afterUpload, onStored });
    act(() => queue.current.add([fileOf('a.txt', 10)]));
    await waitFor(() => expect(queue.current.items[0].status).toBe('error'));
    expect(queue.current.items[0].error).toBe(
      'Stored as “a.txt” but not linked: You do not have permission to perform this action. It is listed under Attachments with no assignments.',
    );
    expect(onStored).toHaveBeenCalledTimes(1);
    const stored: Attachment = onStored.mock.calls[0][0];
    expect(stored).toMatchObject({ name: 'a.txt' });
    const [link] = sent('POST', URLS.assignments);
    expect(await link.json()).toEqual({ attachment: stored.id, object_type: DEVICE.type, object_id: DEVICE.id });
  });

  it('clears finished uploads and keeps running ones', async () => {
    const uploads = hold('post', URLS.attachments);
    const { queue } = setup();
    act(() => queue.current.add([fileOf('a.txt', 10), fileOf('b.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(2));
    store(uploads[0]);
    await waitFor(() => expect(queue.current.items[0].status).toBe('done'));
    act(() => queue.current.clearFinished());
    expect(queue.current.items.map((item) => item.file.name)).toEqual(['b.txt']);
  });
});
