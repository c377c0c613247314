import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../api/client';
import { createFakeApi, fileOf } from '../test/fakeApi';
import { CONCURRENT_UPLOADS, precheck, useUploadQueue } from './useUploadQueue';

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

describe('useUploadQueue', () => {
  it('uploads at most three files at once and starts the next when one finishes', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null }));
    act(() => result.current.add([1, 2, 3, 4, 5].map((n) => fileOf(`f${n}.txt`, 10))));
    await waitFor(() => expect(uploads).toHaveLength(CONCURRENT_UPLOADS));
    expect(result.current.items.map((i) => i.status)).toEqual([
      'uploading',
      'uploading',
      'uploading',
      'queued',
      'queued',
    ]);
    await act(async () => void uploads[0].finish());
    await waitFor(() => expect(uploads).toHaveLength(4));
    expect(result.current.items[0].status).toBe('done');
  });

  it('reports progress per file', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null }));
    act(() => result.current.add([fileOf('a.txt', 200)]));
    await waitFor(() => expect(uploads).toHaveLength(1));
    act(() => uploads[0].progress(50));
    expect(result.current.items[0].loaded).toBe(50);
  });

  it('cancels one running upload and leaves the others running', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null }));
    act(() => result.current.add([fileOf('a.txt', 10), fileOf('b.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(2));
    act(() => result.current.cancel(result.current.items[0].key));
    await waitFor(() => expect(result.current.items[0].status).toBe('cancelled'));
    expect(uploads[0].options.signal?.aborted).toBe(true);
    expect(result.current.items[1].status).toBe('uploading');
  });

  it('never starts a queued file that was cancelled', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null }));
    act(() => result.current.add([1, 2, 3, 4].map((n) => fileOf(`f${n}.txt`, 10))));
    await waitFor(() => expect(uploads).toHaveLength(3));
    act(() => result.current.cancel(result.current.items[3].key));
    await act(async () => void uploads[0].finish());
    await waitFor(() => expect(result.current.items[0].status).toBe('done'));
    expect(uploads).toHaveLength(3);
    expect(result.current.items[3].status).toBe('cancelled');
  });

  it('shows the server’s refusal on that file only', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null }));
    act(() => result.current.add([fileOf('a.txt', 10), fileOf('b.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(2));
    await act(async () => uploads[0].fail(400, 'File: The submitted file is empty.'));
    await act(async () => void uploads[1].finish());
    await waitFor(() => expect(result.current.items[1].status).toBe('done'));
    expect(result.current.items[0]).toMatchObject({ status: 'error', error: 'File: The submitted file is empty.' });
  });

  it('refuses a file over the limit without sending it, and uploads the rest of the drop', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: MB }));
    act(() => result.current.add([fileOf('big.iso', 2 * MB), fileOf('ok.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(1));
    expect(uploads[0].file.name).toBe('ok.txt');
    expect(result.current.items[0]).toMatchObject({
      status: 'error',
      error: 'Too large: 2.0 MB, and the limit is 1.0 MB.',
    });
  });

  it('links each stored file, and says so when the link is refused', async () => {
    const { api, uploads } = createFakeApi();
    const afterUpload = vi.fn().mockRejectedValue(new ApiError(403, 'You do not have permission to do this.'));
    const onStored = vi.fn();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null, afterUpload, onStored }));
    act(() => result.current.add([fileOf('a.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(1));
    await act(async () => void uploads[0].finish());
    await waitFor(() => expect(result.current.items[0].status).toBe('error'));
    expect(result.current.items[0].error).toBe(
      'Stored as “a.txt” but not linked: You do not have permission to do this. It is listed under Attachments with no assignments.',
    );
    expect(afterUpload).toHaveBeenCalledWith(expect.objectContaining({ name: 'a.txt' }));
    expect(onStored).toHaveBeenCalledTimes(1);
  });

  it('clears finished uploads and keeps running ones', async () => {
    const { api, uploads } = createFakeApi();
    const { result } = renderHook(() => useUploadQueue({ api, maxUploadSize: null }));
    act(() => result.current.add([fileOf('a.txt', 10), fileOf('b.txt', 10)]));
    await waitFor(() => expect(uploads).toHaveLength(2));
    await act(async () => void uploads[0].finish());
    await waitFor(() => expect(result.current.items[0].status).toBe('done'));
    act(() => result.current.clearFinished());
    expect(result.current.items.map((i) => i.file.name)).toEqual(['b.txt']);
  });
});
