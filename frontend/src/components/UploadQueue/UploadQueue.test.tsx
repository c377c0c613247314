import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { UploadItem } from '../../hooks/useUploadQueue';
import { fileOf } from '../../test/builders';
import { UploadQueue } from './UploadQueue';

// A 2048-byte file travels in a request body of 2300 bytes: the multipart envelope adds its boundaries and headers.
const FILE_SIZE = 2048;
const BODY_SIZE = 2300;

const item = (key: number, status: UploadItem['status'], extra: Partial<UploadItem> = {}): UploadItem => ({
  key,
  file: fileOf(`file${key}.pdf`, FILE_SIZE),
  loaded: 0,
  total: BODY_SIZE,
  status,
  ...extra,
});

describe('UploadQueue', () => {
  it('shows each file with its progress and a cancel button while it runs', async () => {
    const onCancel = vi.fn();
    render(<UploadQueue items={[item(1, 'uploading', { loaded: 575 })]} onCancel={onCancel} onClear={vi.fn()} />);
    expect(screen.getByText('file1.pdf')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Upload of file1.pdf' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByText('Uploading 25%')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel upload of file1.pdf' }));
    expect(onCancel).toHaveBeenCalledWith(1);
  });

  it('shows the reason of a failed file beside it, and offers to clear finished ones', async () => {
    const onClear = vi.fn();
    render(
      <UploadQueue
        items={[item(1, 'error', { error: 'Too large: 3.0 MB, and the limit is 2.0 MB.' }), item(2, 'done')]}
        onCancel={vi.fn()}
        onClear={onClear}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Too large: 3.0 MB, and the limit is 2.0 MB.');
    expect(screen.queryByRole('button', { name: /Cancel upload/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Clear finished uploads' }));
    expect(onClear).toHaveBeenCalled();
  });

  it('counts progress against the whole request body, not the file alone', () => {
    render(<UploadQueue items={[item(1, 'uploading', { loaded: FILE_SIZE })]} onCancel={vi.fn()} onClear={vi.fn()} />);
    expect(screen.getByText('Uploading 89%')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Upload of file1.pdf' })).toHaveAttribute('aria-valuenow', '89');
    expect(screen.getByRole('button', { name: 'Cancel upload of file1.pdf' })).toBeInTheDocument();
  });

  it('stops offering cancel once every byte is sent, as the server may already be storing the file', () => {
    render(<UploadQueue items={[item(1, 'uploading', { loaded: BODY_SIZE })]} onCancel={vi.fn()} onClear={vi.fn()} />);
    expect(screen.getByText('Finishing…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Upload of file1.pdf' })).toHaveAttribute('aria-valuenow', '100');
    expect(screen.queryByRole('button', { name: /Cancel upload/ })).not.toBeInTheDocument();
  });

  it('renders nothing without uploads', () => {
    const { container } = render(<UploadQueue items={[]} onCancel={vi.fn()} onClear={vi.fn()} />);
    expect(container).toBeEmptyDOMElement();
  });
});
