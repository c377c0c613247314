import type { Attachment } from '../../api/client';
import type { PreviewTarget } from '../PreviewDialog/PreviewDialog';

interface Props {
  attachment: Attachment;
  onPreview: (target: PreviewTarget) => void;
}

/** The Preview and Download buttons every attachment row starts with, in the widget and the manager alike. */
export function PreviewDownloadButtons({ attachment: a, onPreview }: Props) {
  return (
    <>
      <button
        type="button"
        className="btn btn-sm btn-ghost-secondary"
        onClick={() =>
          onPreview({
            name: a.name ?? a.filename,
            filename: a.filename,
            contentType: a.content_type,
            size: a.size,
            downloadUrl: a.download_url,
          })
        }
        aria-label={`Preview ${a.name}`}
        title="Preview"
      >
        <i className="mdi mdi-eye-outline" aria-hidden="true" />
      </button>
      <a
        className="btn btn-sm btn-primary ms-1"
        href={a.download_url}
        aria-label={`Download ${a.name}`}
        title="Download"
      >
        <i className="mdi mdi-download" aria-hidden="true" />
      </a>
    </>
  );
}
