import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ApiError, type Attachment } from '../../api/client';
import type { Capabilities, CommonConfig, ManagerConfig } from '../../config';
import { createFakeApi, linkOf, makeAttachment, widgetConfig } from '../../test/fakeApi';
import { renderWithQueries } from '../../test/render';
import { Manager, PAGE_SIZE, listQuery } from './Manager';

const NO_FILTERS = { q: '', objectTypeId: '', hasAssignments: '', hasBrokenAssignments: '', tag: '' } as const;

function managerConfig(capabilities?: Capabilities): ManagerConfig {
  const common: CommonConfig = widgetConfig(capabilities ? { capabilities } : {});
  return {
    ...common,
    objectTypes: [
      { id: 7, value: 'dcim.device', label: 'DCIM > Device', apiUrl: '/api/dcim/devices/' },
      { id: 8, value: 'dcim.site', label: 'DCIM > Site', apiUrl: '/api/dcim/sites/' },
    ],
  };
}

/** An attachment linked to `count` devices (ids 1, 2, …), named after them. */
function linkedTo(name: string, count: number, fields: Partial<Attachment> = {}): Attachment {
  const attachment = makeAttachment({ name, ...fields });
  const assignments = Array.from({ length: count }, (_, i) =>
    linkOf(attachment.id, 'dcim.device', i + 1, `sw${i + 1}`),
  );
  return { ...attachment, assignments, assignment_count: count };
}

function renderManager(attachments: Attachment[], config = managerConfig()) {
  const fake = createFakeApi(attachments);
  renderWithQueries(<Manager config={config} api={fake.api} />);
  const lastQuery = () => fake.api.listAttachments.mock.lastCall![0];
  return { ...fake, lastQuery };
}

const row = (name: string) => screen.getByRole('link', { name }).closest('tr')!;

describe('listQuery', () => {
  it('asks for the first page sorted by the column, with no filter', () => {
    expect(listQuery(NO_FILTERS, 'name', 0)).toEqual({ limit: PAGE_SIZE, offset: 0, ordering: 'name' });
  });

  it('turns each filter into its API parameter', () => {
    const filters = {
      q: 'rack',
      objectTypeId: '7',
      hasAssignments: 'true',
      hasBrokenAssignments: 'true',
      tag: 'manual',
    } as const;
    expect(listQuery(filters, '-size', 0)).toEqual({
      limit: PAGE_SIZE,
      offset: 0,
      ordering: '-size',
      q: 'rack',
      object_type_id: [7],
      has_assignments: true,
      has_broken_assignments: true,
      tag: ['manual'],
    });
  });

  it('sends “no” filters as false, not leaves them out', () => {
    const query = listQuery({ ...NO_FILTERS, hasAssignments: 'false', hasBrokenAssignments: 'false' }, 'name', 0);
    expect(query).toMatchObject({ has_assignments: false, has_broken_assignments: false });
  });

  it('turns the page into an offset', () => {
    expect(listQuery(NO_FILTERS, 'name', 2).offset).toBe(2 * PAGE_SIZE);
  });
});

describe('Manager', () => {
  it('lists the attachments the API returns', async () => {
    renderManager([linkedTo('Rack manual', 1, { filename: 'rack.pdf' }), linkedTo('Floor plan', 2)]);
    expect(await screen.findByRole('link', { name: 'Rack manual' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Floor plan' })).toBeInTheDocument();
    expect(within(row('Rack manual')).getByText('rack.pdf')).toBeInTheDocument();
    expect(screen.getByText('1–2 of 2')).toBeInTheDocument();
  });

  it('highlights an unassigned attachment with a badge', async () => {
    renderManager([makeAttachment({ name: 'Orphan scan' }), linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Orphan scan' });
    const orphan = row('Orphan scan');
    expect(orphan).toHaveAttribute('data-unassigned', 'true');
    expect(within(orphan).getByText('Unassigned')).toBeInTheDocument();
    expect(row('Rack manual')).not.toHaveAttribute('data-unassigned');
    expect(within(row('Rack manual')).queryByText('Unassigned')).not.toBeInTheDocument();
  });

  it('names a link whose object is gone by its type and id', async () => {
    const attachment = makeAttachment({ name: 'Rack manual' });
    renderManager([
      { ...attachment, assignments: [linkOf(attachment.id, 'dcim.device', 12, null)], assignment_count: 1 },
    ]);
    expect(await screen.findByText('dcim > device #12')).toHaveAttribute(
      'title',
      'The linked object is gone or hidden',
    );
  });

  it('searches on the server once typing pauses', async () => {
    const { api, lastQuery } = renderManager([linkedTo('Rack manual', 1), linkedTo('Floor plan', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search attachments' }), 'rack');
    await waitFor(() => expect(lastQuery().q).toBe('rack'));
    expect(api.listAttachments.mock.calls.map(([query]) => query.q).filter(Boolean)).toEqual(['rack']);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Floor plan' })).not.toBeInTheDocument());
  });

  it('filters by the linked object type', async () => {
    const { lastQuery } = renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Linked to object type' }), '7');
    await waitFor(() => expect(lastQuery().object_type_id).toEqual([7]));
  });

  it('filters attachments with no assignments', async () => {
    const { lastQuery } = renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Has assignments' }), 'Has no assignments');
    await waitFor(() => expect(lastQuery().has_assignments).toBe(false));
  });

  it('sorts by a column, ascending then descending', async () => {
    const { lastQuery } = renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    const size = screen.getByRole('button', { name: 'Size' });
    await userEvent.click(size);
    await waitFor(() => expect(lastQuery().ordering).toBe('size'));
    expect(size.closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await userEvent.click(size);
    await waitFor(() => expect(lastQuery().ordering).toBe('-size'));
    expect(size.closest('th')).toHaveAttribute('aria-sort', 'descending');
  });

  it('pages through the list with Next and Previous', async () => {
    const many = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => linkedTo(`File ${String(i + 1).padStart(2, '0')}`, 1));
    const { lastQuery } = renderManager(many);
    expect(await screen.findByText(`1–${PAGE_SIZE} of ${PAGE_SIZE + 5}`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText(`${PAGE_SIZE + 1}–${PAGE_SIZE + 5} of ${PAGE_SIZE + 5}`)).toBeInTheDocument();
    expect(lastQuery().offset).toBe(PAGE_SIZE);
    expect(screen.getByRole('link', { name: 'File 26' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(lastQuery().offset).toBe(0));
  });

  it('asks before deleting, naming how many objects lose the attachment, and deletes on confirmation', async () => {
    const attachment = linkedTo('Rack manual', 3);
    const { api } = renderManager([attachment]);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Rack manual' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete attachment' });
    expect(dialog).toHaveTextContent('It is removed from the 3 objects it is linked to.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete attachment and file' }));
    expect(api.deleteAttachment).toHaveBeenCalledWith(attachment.id);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Rack manual' })).not.toBeInTheDocument());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows the new last page when deleting empties the last one', async () => {
    const many = Array.from({ length: PAGE_SIZE + 1 }, (_, i) => linkedTo(`File ${String(i + 1).padStart(2, '0')}`, 1));
    const { lastQuery } = renderManager(many);
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Delete File 26' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete attachment and file' }));
    expect(await screen.findByText(`1–${PAGE_SIZE} of ${PAGE_SIZE}`)).toBeInTheDocument();
    expect(lastQuery().offset).toBe(0);
    expect(screen.getByRole('link', { name: 'File 25' })).toBeInTheDocument();
    expect(screen.queryByText(/No attachment matches/)).not.toBeInTheDocument();
  });

  it('warns that unlinking the only link leaves the attachment with no assignments', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Rack manual from sw1' }));
    const dialog = screen.getByRole('dialog', { name: 'Unlink attachment' });
    expect(dialog).toHaveTextContent('Unlink “Rack manual” from sw1?');
    expect(dialog).toHaveTextContent(/It will be left with no assignments/);
    expect(within(dialog).getByRole('link', { name: 'Attachments with no assignments' })).toHaveAttribute(
      'href',
      '/plugins/netbox-attachments/netbox-attachments/?has_assignments=false',
    );
  });

  it('says how many other objects keep an attachment that has several links', async () => {
    renderManager([linkedTo('Rack manual', 3)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Rack manual from sw2' }));
    const dialog = screen.getByRole('dialog', { name: 'Unlink attachment' });
    expect(dialog).toHaveTextContent('It stays linked to 2 other objects.');
    expect(dialog).not.toHaveTextContent(/no assignments/);
  });

  it('unlinks the chosen link on confirmation and shows the list without it', async () => {
    const attachment = linkedTo('Rack manual', 2);
    const { api } = renderManager([attachment]);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Rack manual from sw2' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Unlink' }));
    expect(api.unlink).toHaveBeenCalledWith(attachment.assignments[1].id);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'sw2' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'sw1' })).toBeInTheDocument();
  });

  it('opens the link dialog for the attachment', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Link Rack manual to objects' }));
    expect(screen.getByRole('dialog', { name: 'Link “Rack manual”' })).toBeInTheDocument();
  });

  it('opens the preview of an attachment', async () => {
    const { api } = renderManager([linkedTo('Switch log', 1, { filename: 'switch.log', content_type: 'text/plain' })]);
    api.readText.mockResolvedValue({ text: 'boot ok', truncated: false });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview Switch log' }));
    const dialog = await screen.findByRole('dialog', { name: 'Switch log' });
    expect(await within(dialog).findByText('boot ok')).toBeInTheDocument();
  });

  it('offers uploading, linking, unlinking and deleting to a user allowed to', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    expect(screen.getByRole('button', { name: /Upload files/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Link Rack manual to objects' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unlink Rack manual from sw1' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete Rack manual' })).toBeInTheDocument();
  });

  it('offers only preview and download to a user with no change permission', async () => {
    const readOnly = managerConfig({
      upload: false,
      uploadUnlinked: false,
      link: false,
      unlink: false,
      deleteEverywhere: false,
    });
    renderManager([linkedTo('Rack manual', 1)], readOnly);
    await screen.findByRole('link', { name: 'Rack manual' });
    expect(screen.queryByRole('button', { name: /upload/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^link /i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^unlink /i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^delete /i })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Attachment manager' })).not.toHaveAttribute('aria-disabled');
    expect(screen.getByRole('button', { name: 'Preview Rack manual' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download Rack manual' })).toHaveAttribute(
      'href',
      expect.stringMatching(/\/download\/$/),
    );
  });

  it('shows in words why the list could not be loaded', async () => {
    const { api } = createFakeApi();
    api.listAttachments.mockRejectedValue(new ApiError(403, 'You do not have permission to do this.'));
    renderWithQueries(<Manager config={managerConfig()} api={api} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the attachments: You do not have permission to do this.',
    );
  });
});
