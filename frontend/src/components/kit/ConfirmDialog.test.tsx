import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../api/client';
import { ConfirmDialog } from './ConfirmDialog';

function renderDialog(onConfirm: () => Promise<unknown>, onClose = vi.fn()) {
  render(
    <ConfirmDialog
      title="Remove thing"
      question="Remove “Thing”?"
      onConfirm={onConfirm}
      confirmLabel="Remove"
      busyLabel="Removing…"
      onClose={onClose}
    >
      <p>It goes for good.</p>
    </ConfirmDialog>,
  );
  return { onClose };
}

describe('ConfirmDialog', () => {
  it('asks the question and says what follows', () => {
    renderDialog(vi.fn());
    const dialog = screen.getByRole('dialog', { name: 'Remove thing' });
    expect(dialog).toHaveTextContent('Remove “Thing”?');
    expect(dialog).toHaveTextContent('It goes for good.');
  });

  it('shows the action running on a disabled button, then closes', async () => {
    let finish!: () => void;
    const { onClose } = renderDialog(() => new Promise<void>((resolve) => (finish = resolve)));
    await userEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(screen.getByRole('button', { name: 'Removing…' })).toBeDisabled();
    expect(onClose).not.toHaveBeenCalled();
    finish();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('keeps the dialog open with the server’s reason when the action is refused', async () => {
    const { onClose } = renderDialog(
      vi.fn().mockRejectedValue(new ApiError(403, 'You do not have permission to perform this action.')),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to perform this action.');
    expect(screen.getByRole('button', { name: 'Remove' })).toBeEnabled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('cancels without running the action', async () => {
    const onConfirm = vi.fn();
    const { onClose } = renderDialog(onConfirm);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
