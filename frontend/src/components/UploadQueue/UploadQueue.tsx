import type { UploadItem } from '../../hooks/useUploadQueue';
import { formatSize } from '../../utils/format';

interface Props {
  items: UploadItem[];
  onCancel: (key: number) => void;
  onClear: () => void;
}

const STATUS_TEXT: Record<UploadItem['status'], string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  linking: 'Linking',
  done: 'Uploaded',
  error: 'Failed',
  cancelled: 'Cancelled',
};

/** One row per file: name, progress, cancel while it runs, and the reason when it failed. */
export function UploadQueue({ items, onCancel, onClear }: Props) {
  if (!items.length) return null;
  const finished = items.some(
    (item) => item.status === 'done' || item.status === 'error' || item.status === 'cancelled',
  );
  return (
    <div className="card-body border-bottom py-2" role="region" aria-label="Uploads">
      <ul className="list-unstyled mb-0" aria-live="polite">
        {items.map((item) => {
          // Progress counts the request body, which is the file and its multipart envelope.
          const percent = item.total ? Math.min(100, Math.round((100 * item.loaded) / item.total)) : 0;
          // Once every byte is sent the server may already be storing the file: cancelling then could not promise
          // that nothing was stored, so it is no longer offered.
          const sent = item.status === 'uploading' && item.loaded >= item.total;
          const running = item.status === 'queued' || (item.status === 'uploading' && !sent);
          return (
            <li key={item.key} className="py-1" data-status={item.status}>
              <div className="d-flex align-items-center gap-2">
                <i
                  className={`mdi ${item.status === 'error' ? 'mdi-alert-circle text-danger' : item.status === 'done' ? 'mdi-check-circle text-success' : 'mdi-file-upload-outline'}`}
                  aria-hidden="true"
                />
                <span className="text-truncate flex-grow-1" title={item.file.name}>
                  {item.file.name} <span className="text-secondary">({formatSize(item.file.size)})</span>
                </span>
                <span className="text-secondary small">
                  {sent ? 'Finishing…' : STATUS_TEXT[item.status]}
                  {item.status === 'uploading' && !sent ? ` ${percent}%` : ''}
                </span>
                {running && (
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost-secondary"
                    onClick={() => onCancel(item.key)}
                    aria-label={`Cancel upload of ${item.file.name}`}
                  >
                    Cancel
                  </button>
                )}
              </div>
              {(item.status === 'uploading' || item.status === 'linking') && (
                <div
                  className="progress progress-sm mt-1"
                  role="progressbar"
                  aria-label={`Upload of ${item.file.name}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                >
                  <div className="progress-bar" style={{ width: `${percent}%` }} />
                </div>
              )}
              {item.error && (
                <div className="text-danger small mt-1" role="alert">
                  {item.error}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {finished && (
        <button type="button" className="btn btn-sm btn-link px-0" onClick={onClear}>
          Clear finished uploads
        </button>
      )}
    </div>
  );
}
