import { useQuery } from '@tanstack/react-query';

import type { Api } from '../../api/client';
import { inlineUrl, previewKind } from '../../utils/files';
import { formatSize } from '../../utils/format';
import { Dialog } from '../Dialog/Dialog';

export interface PreviewTarget {
  name: string;
  filename: string;
  contentType: string;
  size: number | null;
  downloadUrl: string;
}

export interface PreviewDialogProps {
  target: PreviewTarget;
  api: Pick<Api, 'readText'>;
  inlineContentTypes: string[];
  onClose: () => void;
}

// A text preview shows the start of the file; the rest is a download away.
export const TEXT_PREVIEW_BYTES = 256 * 1024;

function TextPreview({ api, url }: { api: PreviewDialogProps['api']; url: string }) {
  const text = useQuery({ queryKey: ['preview-text', url], queryFn: () => api.readText(url, TEXT_PREVIEW_BYTES) });
  if (text.isPending) return <p className="text-secondary">Loading…</p>;
  if (text.isError) {
    return (
      <div className="alert alert-danger" role="alert">
        {text.error.message}
      </div>
    );
  }
  return (
    <>
      <pre className="netbox-attachments-preview-text border rounded p-2 mb-0">{text.data.text}</pre>
      {text.data.truncated && (
        <p className="text-secondary small mt-2 mb-0">
          Showing the first {formatSize(TEXT_PREVIEW_BYTES)}; download the file for the rest.
        </p>
      )}
    </>
  );
}

/**
 * Shows an image, a PDF or the text of a file through the download endpoint, never /media/. HTML and SVG are shown
 * as source text, so their scripts never run; the server's CSP sandboxes what it sends inline as a second guard.
 */
export default function PreviewDialog({ target, api, inlineContentTypes, onClose }: PreviewDialogProps) {
  const kind = previewKind(target.contentType, target.filename, inlineContentTypes);
  const inline = inlineContentTypes.includes(target.contentType);
  return (
    <Dialog
      title={target.name}
      size="xl"
      onClose={onClose}
      footer={
        <>
          <span className="text-secondary me-auto small">
            {target.filename} · {formatSize(target.size)} · {target.contentType}
          </span>
          {inline && (
            <a
              className="btn btn-outline-secondary"
              href={inlineUrl(target.downloadUrl)}
              target="_blank"
              rel="noopener noreferrer"
            >
              <i className="mdi mdi-open-in-new" aria-hidden="true" /> Open in new tab
            </a>
          )}
          <a className="btn btn-primary" href={target.downloadUrl}>
            <i className="mdi mdi-download" aria-hidden="true" /> Download
          </a>
        </>
      }
    >
      {kind === 'image' && (
        <img
          className="netbox-attachments-preview-image"
          src={inlineUrl(target.downloadUrl)}
          alt={`Preview of ${target.name}`}
        />
      )}
      {kind === 'pdf' && (
        <iframe
          className="netbox-attachments-preview-pdf"
          src={inlineUrl(target.downloadUrl)}
          title={`Preview of ${target.name}`}
        />
      )}
      {kind === 'text' && <TextPreview api={api} url={target.downloadUrl} />}
      {kind === null && <p className="mb-0">There is no preview for this type of file. Download it to open it.</p>}
    </Dialog>
  );
}
