import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { AttachmentTable, nextSort, type Column } from './AttachmentTable';

const COLUMNS: Column[] = [
  { key: 'name', label: 'Name' },
  { key: 'file', label: 'File', sortable: false },
  { key: 'size', label: 'Size' },
];

describe('nextSort', () => {
  it('reverses the sorted column and sorts another one ascending', () => {
    expect(nextSort({ key: 'name', descending: false }, 'name')).toEqual({ key: 'name', descending: true });
    expect(nextSort({ key: 'name', descending: true }, 'name')).toEqual({ key: 'name', descending: false });
    expect(nextSort({ key: 'name', descending: true }, 'size')).toEqual({ key: 'size', descending: false });
  });
});

describe('AttachmentTable', () => {
  it('puts a type column first and an actions column last, and marks the sorted column', () => {
    render(
      <AttachmentTable columns={COLUMNS} sort={{ key: 'size', descending: true }} onSort={vi.fn()}>
        {null}
      </AttachmentTable>,
    );
    const headers = screen.getAllByRole('columnheader');
    expect(headers.map((th) => th.textContent)).toEqual(['', 'Name', 'File', 'Size', 'Actions']);
    expect(headers[0]).toHaveAccessibleName('Type');
    expect(headers[1]).toHaveAttribute('aria-sort', 'none');
    expect(headers[3]).toHaveAttribute('aria-sort', 'descending');
    expect(within(headers[2]).queryByRole('button')).not.toBeInTheDocument();
  });

  it('asks for a sort by the clicked column', async () => {
    const onSort = vi.fn();
    render(
      <AttachmentTable columns={COLUMNS} sort={{ key: 'size', descending: false }} onSort={onSort}>
        {null}
      </AttachmentTable>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Name' }));
    expect(onSort).toHaveBeenCalledWith('name');
  });
});
