import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { THUMBNAIL_MAX_BYTES } from '../../utils/files';
import { FileIcon } from './FileIcon';

const DOWNLOAD = 'http://netbox.test/api/plugins/netbox-attachments/netbox-attachments/3/download/';
const INLINE = ['image/png', 'application/pdf'];

const renderIcon = (
  props: Pick<Parameters<typeof FileIcon>[0], 'contentType' | 'filename' | 'size'> & {
    inlineContentTypes?: string[];
  },
) => render(<FileIcon downloadUrl={DOWNLOAD} inlineContentTypes={INLINE} {...props} />);

describe('FileIcon', () => {
  it('shows a small inline image as a thumbnail from the download endpoint', () => {
    const { container } = renderIcon({ contentType: 'image/png', filename: 'plan.png', size: 1000 });
    expect(container.querySelector('img')).toHaveAttribute('src', `${DOWNLOAD}?inline=1`);
  });

  it('shows the image icon instead of a thumbnail that fails to load', () => {
    const { container } = renderIcon({
      contentType: 'image/jpeg',
      filename: 'photo.jpg',
      size: 1000,
      inlineContentTypes: ['image/jpeg'],
    });
    fireEvent.error(container.querySelector('img')!);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('i.mdi-file-image-outline')).not.toBeNull();
  });

  it('shows an icon, not a thumbnail, for an image too large to download for the table', () => {
    const { container } = renderIcon({
      contentType: 'image/png',
      filename: 'photo.png',
      size: THUMBNAIL_MAX_BYTES + 1,
    });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('i.mdi-file-image-outline')).not.toBeNull();
  });

  it('never loads an image type the server would not show inline, such as SVG', () => {
    const { container } = renderIcon({ contentType: 'image/svg+xml', filename: 'logo.svg', size: 10 });
    expect(container.querySelector('img')).toBeNull();
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('gives a PDF its own icon', () => {
    const { container } = renderIcon({ contentType: 'application/pdf', filename: 'a.pdf', size: 10 });
    expect(container.querySelector('i.mdi-file-pdf-box')).not.toBeNull();
  });
});
