import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { UnlinkDialog } from './UnlinkDialog';

function renderDialog(linkCount: number, onUnlink = vi.fn().mockResolvedValue(undefined), onClose = vi.fn()) {
  render(
    <UnlinkDialog
      name="Rack manual"
      target="device dc1-sw1"
      linkCount={linkCount}
      unassignedListUrl="/attachments/?has_assignments=false"
      onUnlink={onUnlink}
      onClose={onClose}
    />,
  );
  return { onUnlink, onClose };
}

describe('UnlinkDialog', () => {
  it('warns that the only link leaves the attachment with no assignments, and where to find it', () => {
    renderDialog(1);
    expect(screen.getByText('Unlink “Rack manual” from device dc1-sw1?')).toBeInTheDocument();
    expect(screen.getByText(/It will be left with no assignments/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Attachments with no assignments' })).toHaveAttribute(
      'href',
      '/attachments/?has_assignments=false',
    );
    expect(screen.getByText('The attachment and its file are kept.')).toBeInTheDocument();
  });

  it('says the attachment stays linked to the other objects when it has several links', () => {
    renderDialog(3);
    expect(screen.getByText('It stays linked to 2 other objects.')).toBeInTheDocument();
    expect(screen.queryByText(/no assignments/)).not.toBeInTheDocument();
  });

  it('uses the singular for one other object', () => {
    renderDialog(2);
    expect(screen.getByText('It stays linked to 1 other object.')).toBeInTheDocument();
  });

  it('unlinks and closes on confirmation', async () => {
    const { onUnlink, onClose } = renderDialog(1);
    await userEvent.click(screen.getByRole('button', { name: 'Unlink' }));
    expect(onUnlink).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});
