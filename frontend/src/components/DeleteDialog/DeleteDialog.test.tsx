import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { DeleteDialog, deleteConsequence } from './DeleteDialog';

describe('DeleteDialog', () => {
  it('names the number of links that go with the attachment', () => {
    render(<DeleteDialog name="Floor plan" linkCount={4} onDelete={vi.fn()} onClose={vi.fn()} />);
    expect(screen.getByText('Delete “Floor plan” everywhere?')).toBeInTheDocument();
    expect(
      screen.getByText(/It is removed from the 4 objects it is linked to\. This cannot be undone\./),
    ).toBeInTheDocument();
  });

  it('reads right for one link and for none', () => {
    expect(deleteConsequence(1)).toContain('the 1 object it is linked to');
    expect(deleteConsequence(0)).toContain('It is not linked to any object.');
  });

  it('deletes on confirmation and closes', async () => {
    const onDelete = vi.fn().mockResolvedValue(undefined);
    const onClose = vi.fn();
    render(<DeleteDialog name="Floor plan" linkCount={1} onDelete={onDelete} onClose={onClose} />);
    await userEvent.click(screen.getByRole('button', { name: 'Delete attachment and file' }));
    expect(onDelete).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});
