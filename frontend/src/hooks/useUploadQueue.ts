// The upload queue shared by the object widget and the manager page: each file has its own progress, cancel and
// error, so one refused file never stops or hides the others.
import { useCallback, useEffect, useReducer, useRef } from 'react';

import { ApiError, type Api, type Attachment } from '../api/client';
import { formatSize } from '../utils/format';

export type UploadStatus = 'queued' | 'uploading' | 'linking' | 'done' | 'error' | 'cancelled';

export interface UploadItem {
  key: number;
  file: File;
  /** Bytes of the request body sent so far, out of `total`. */
  loaded: number;
  /**
   * The size of the request body that carries the file, as the client reports it with progress: the file and its
   * multipart envelope. The file's size until the first report.
   */
  total: number;
  status: UploadStatus;
  error?: string;
}

type Action =
  | { type: 'add'; items: UploadItem[] }
  | { type: 'update'; key: number; changes: Partial<UploadItem> }
  | { type: 'clear' };

function reducer(items: UploadItem[], action: Action): UploadItem[] {
  switch (action.type) {
    case 'add':
      return [...items, ...action.items];
    case 'update':
      return items.map((item) => (item.key === action.key ? { ...item, ...action.changes } : item));
    case 'clear':
      return items.filter(
        (item) => item.status === 'queued' || item.status === 'uploading' || item.status === 'linking',
      );
  }
}

// Browsers open about six connections per host; three uploads at once leave room for the page's other calls.
export const CONCURRENT_UPLOADS = 3;

export interface UploadQueueOptions {
  api: Pick<Api, 'upload'>;
  maxUploadSize: number | null;
  /** Runs after a file is stored, e.g. to link it to the page's object. A failure is shown on that file's row. */
  afterUpload?: (attachment: Attachment) => Promise<unknown>;
  /** Called once per stored file, whether or not afterUpload succeeded, so lists can refresh. */
  onStored?: (attachment: Attachment) => void;
}

const exactBytes = (bytes: number) => `${bytes.toLocaleString('en')} bytes`;

/** The reason a file is refused before it is sent, or null. */
export function precheck(file: File, maxUploadSize: number | null): string | null {
  if (file.size === 0) return 'The file is empty: there is nothing to upload.';
  if (maxUploadSize !== null && file.size > maxUploadSize) {
    let [size, limit] = [formatSize(file.size), formatSize(maxUploadSize)];
    // Just over the limit both round alike ("2.0 MB, and the limit is 2.0 MB"): exact bytes show the difference.
    if (size === limit) [size, limit] = [exactBytes(file.size), exactBytes(maxUploadSize)];
    return `Too large: ${size}, and the limit is ${limit}.`;
  }
  return null;
}

let nextKey = 1;

export function useUploadQueue({ api, maxUploadSize, afterUpload, onStored }: UploadQueueOptions) {
  const [items, dispatch] = useReducer(reducer, []);
  const controllers = useRef(new Map<number, AbortController>());
  // The latest callbacks, for uploads that finish after a re-render.
  const callbacks = useRef({ afterUpload, onStored });
  useEffect(() => {
    callbacks.current = { afterUpload, onStored };
  });

  const update = useCallback(
    (key: number, changes: Partial<UploadItem>) => dispatch({ type: 'update', key, changes }),
    [],
  );

  const run = useCallback(
    async (item: UploadItem) => {
      const controller = new AbortController();
      controllers.current.set(item.key, controller);
      update(item.key, { status: 'uploading' });
      let total = item.total;
      let attachment: Attachment;
      try {
        attachment = await api.upload(item.file, {
          signal: controller.signal,
          onProgress: (loaded, bodySize) => {
            total = bodySize;
            update(item.key, { loaded, total });
          },
        });
      } catch (error) {
        controllers.current.delete(item.key);
        if ((error as Error).name === 'AbortError') update(item.key, { status: 'cancelled' });
        else update(item.key, { status: 'error', error: (error as Error).message });
        return;
      }
      controllers.current.delete(item.key);
      update(item.key, { status: 'linking', loaded: total, total });
      try {
        await callbacks.current.afterUpload?.(attachment);
        update(item.key, { status: 'done' });
      } catch (error) {
        const reason = error instanceof ApiError ? error.message : String(error);
        update(item.key, {
          status: 'error',
          error: `Stored as “${attachment.name}” but not linked: ${reason} It is listed under Attachments with no assignments.`,
        });
      } finally {
        callbacks.current.onStored?.(attachment);
      }
    },
    [api, update],
  );

  // Start queued files while fewer than CONCURRENT_UPLOADS are running.
  const started = useRef(new Set<number>());
  useEffect(() => {
    const running = items.filter((item) => item.status === 'uploading').length;
    const waiting = items.filter((item) => item.status === 'queued' && !started.current.has(item.key));
    for (const item of waiting.slice(0, Math.max(0, CONCURRENT_UPLOADS - running))) {
      started.current.add(item.key);
      void run(item);
    }
  }, [items, run]);

  // Leaving the page cancels what is still running.
  useEffect(() => {
    const running = controllers.current;
    return () => running.forEach((controller) => controller.abort());
  }, []);

  const add = useCallback(
    (files: Iterable<File>) => {
      const added = [...files].map((file): UploadItem => {
        const refusal = precheck(file, maxUploadSize);
        const status = refusal ? 'error' : 'queued';
        return { key: nextKey++, file, loaded: 0, total: file.size, status, error: refusal ?? undefined };
      });
      if (added.length) dispatch({ type: 'add', items: added });
    },
    [maxUploadSize],
  );

  const cancel = useCallback(
    (key: number) => {
      const controller = controllers.current.get(key);
      if (controller) controller.abort();
      else {
        started.current.add(key); // a queued file never starts
        update(key, { status: 'cancelled' });
      }
    },
    [update],
  );

  const clearFinished = useCallback(() => dispatch({ type: 'clear' }), []);

  return { items, add, cancel, clearFinished };
}
