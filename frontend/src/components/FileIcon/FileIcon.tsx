import { useState } from 'react';

import { THUMBNAIL_MAX_BYTES, iconFor, inlineUrl, previewKind } from '../../utils/files';

interface Props {
  contentType: string;
  filename: string;
  size: number | null;
  downloadUrl: string;
  inlineContentTypes: string[];
}

/** A small thumbnail for images the server shows inline, an icon for everything else, and for an image that does
 * not load (a damaged file, or a file gone from the storage) rather than the browser's broken-image sign. */
export function FileIcon({ contentType, filename, size, downloadUrl, inlineContentTypes }: Props) {
  const [failed, setFailed] = useState(false);
  const image = previewKind(contentType, filename, inlineContentTypes) === 'image';
  if (image && !failed && size !== null && size <= THUMBNAIL_MAX_BYTES) {
    return (
      <img
        className="netbox-attachments-thumb"
        src={inlineUrl(downloadUrl)}
        alt=""
        loading="lazy"
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <i className={`mdi ${iconFor(contentType, filename)} netbox-attachments-icon text-secondary`} aria-hidden="true" />
  );
}
