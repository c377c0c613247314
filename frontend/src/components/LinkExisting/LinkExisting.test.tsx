import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { DEVICE, createFakeApi, makeAttachment } from '../../test/fakeApi';
import { renderWithQueries } from '../../test/render';
import { LinkExisting } from './LinkExisting';

function setup(linkedNames: string[] = []) {
  const fake = createFakeApi([
    makeAttachment({ name: 'Rack manual', filename: 'rack-r1.pdf' }),
    makeAttachment({ name: 'Floor plan', filename: 'floor.png', description: 'rack rows' }),
    makeAttachment({ name: 'Contract', filename: 'contract.pdf' }),
  ]);
  const linkedIds = new Set(
    [...fake.attachments.values()].filter((a) => linkedNames.includes(a.name!)).map((a) => a.id),
  );
  const onClose = vi.fn();
  renderWithQueries(<LinkExisting api={fake.api} object={DEVICE} linkedIds={linkedIds} onClose={onClose} />);
  return { ...fake, onClose };
}

describe('LinkExisting', () => {
  it('searches name, file name and description as you type', async () => {
    const fake = setup();
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search attachments to link' }), 'rack');
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(within(results).getByText('Rack manual')).toBeInTheDocument();
    expect(within(results).getByText('Floor plan')).toBeInTheDocument();
    expect(within(results).queryByText('Contract')).not.toBeInTheDocument();
    expect(fake.api.listAttachments).toHaveBeenLastCalledWith(
      expect.objectContaining({ q: 'rack', brief: true }),
      expect.anything(),
    );
  });

  it('waits for typing to pause before asking the server', async () => {
    const fake = setup();
    await userEvent.type(screen.getByRole('searchbox'), 'contr');
    await screen.findByText('Contract');
    expect(fake.api.listAttachments).toHaveBeenCalledTimes(1);
  });

  it('marks the attachments already linked to the object', async () => {
    setup(['Rack manual']);
    await userEvent.type(screen.getByRole('searchbox'), 'rack');
    expect(await screen.findByLabelText('Rack manual is already linked')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Link Rack manual to dc1-sw1' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Link Floor plan to dc1-sw1' })).toBeInTheDocument();
  });

  it('links with one click', async () => {
    const fake = setup();
    await userEvent.type(screen.getByRole('searchbox'), 'contract');
    await userEvent.click(await screen.findByRole('button', { name: 'Link Contract to dc1-sw1' }));
    await waitFor(() => expect(fake.api.link).toHaveBeenCalledWith(expect.any(Number), 'dcim.device', 5));
  });

  it('shows a refused link in words', async () => {
    const fake = setup();
    fake.api.link.mockRejectedValueOnce(new Error('This attachment is already linked to this object.'));
    await userEvent.type(screen.getByRole('searchbox'), 'contract');
    await userEvent.click(await screen.findByRole('button', { name: 'Link Contract to dc1-sw1' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not link: This attachment is already linked to this object.',
    );
  });

  it('says when nothing matches', async () => {
    setup();
    await userEvent.type(screen.getByRole('searchbox'), 'zzz');
    expect(await screen.findByText('No attachment matches “zzz”.')).toBeInTheDocument();
  });

  it('closes on Escape', async () => {
    const { onClose } = setup();
    await userEvent.type(screen.getByRole('searchbox'), '{Escape}');
    expect(onClose).toHaveBeenCalled();
  });
});
