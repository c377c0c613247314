import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../api/client';
import { createFakeApi } from '../../test/fakeApi';
import { renderWithQueries } from '../../test/render';
import PreviewDialog, { TEXT_PREVIEW_BYTES, type PreviewTarget } from './PreviewDialog';

const INLINE_TYPES = ['application/pdf', 'image/png', 'text/plain'];
const DOWNLOAD_URL = 'http://netbox.test/api/plugins/netbox-attachments/netbox-attachments/7/download/';

function target(contentType: string, filename: string): PreviewTarget {
  return { name: 'Rack 12', filename, contentType, size: 2048, downloadUrl: DOWNLOAD_URL };
}

function renderPreview(preview: PreviewTarget, api = createFakeApi().api) {
  renderWithQueries(<PreviewDialog target={preview} api={api} inlineContentTypes={INLINE_TYPES} onClose={vi.fn()} />);
  return api;
}

/** The URL asks the download endpoint for inline display, and is not a /media/ URL. */
function expectInlineDownload(url: string | null) {
  const parsed = new URL(url!);
  expect(parsed.pathname).toBe(new URL(DOWNLOAD_URL).pathname);
  expect(parsed.searchParams.get('inline')).toBe('1');
}

describe('PreviewDialog', () => {
  it('shows an inline image type as an image from the download URL with inline=1', () => {
    renderPreview(target('image/png', 'rack.png'));
    expectInlineDownload(screen.getByRole('img', { name: 'Preview of Rack 12' }).getAttribute('src'));
  });

  it('shows a PDF in a frame from the download URL with inline=1', () => {
    renderPreview(target('application/pdf', 'rack.pdf'));
    expectInlineDownload(screen.getByTitle('Preview of Rack 12').getAttribute('src'));
    expect(screen.getByTitle('Preview of Rack 12').tagName).toBe('IFRAME');
  });

  it.each([
    ['text/html', 'page.html', '<script>window.previewScriptRan = true</script><p>Hello</p>'],
    ['image/svg+xml', 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="window.previewScriptRan = true"/>'],
  ])('shows %s as source text, never rendered, so its script cannot run', async (contentType, filename, source) => {
    const { api } = createFakeApi();
    api.readText.mockResolvedValue({ text: source, truncated: false });
    renderPreview(target(contentType, filename), api);
    const text = await screen.findByText(source);
    expect(text.tagName).toBe('PRE');
    expect(api.readText).toHaveBeenCalledWith(DOWNLOAD_URL, TEXT_PREVIEW_BYTES);
    expect(document.querySelector('img, iframe, object, embed, svg, script')).toBeNull();
    expect((window as { previewScriptRan?: boolean }).previewScriptRan).toBeUndefined();
  });

  it('says a long text shows only its first part', async () => {
    const { api } = createFakeApi();
    api.readText.mockResolvedValue({ text: 'line 1', truncated: true });
    renderPreview(target('text/plain', 'switch.log'), api);
    expect(await screen.findByText('Showing the first 256.0 KB; download the file for the rest.')).toBeInTheDocument();
  });

  it('does not mention a first part when the whole text is shown', async () => {
    const { api } = createFakeApi();
    api.readText.mockResolvedValue({ text: 'line 1', truncated: false });
    renderPreview(target('text/plain', 'switch.log'), api);
    expect(await screen.findByText('line 1')).toBeInTheDocument();
    expect(screen.queryByText(/Showing the first/)).not.toBeInTheDocument();
  });

  it('shows why the text could not be read', async () => {
    const { api } = createFakeApi();
    api.readText.mockRejectedValue(new ApiError(404, 'Not found: it may have been deleted meanwhile.'));
    renderPreview(target('text/plain', 'switch.log'), api);
    expect(await screen.findByRole('alert')).toHaveTextContent('Not found: it may have been deleted meanwhile.');
  });

  it('says a type has no preview, and still offers the download from the download URL', () => {
    const api = renderPreview(target('application/zip', 'configs.zip'));
    expect(screen.getByText(/There is no preview for this type of file/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download' })).toHaveAttribute('href', DOWNLOAD_URL);
    expect(api.readText).not.toHaveBeenCalled();
    for (const link of screen.getAllByRole('link')) expect(link.getAttribute('href')).not.toContain('/media/');
  });

  it.each(['image/png', 'application/pdf', 'text/plain'])('offers “Open in new tab” for %s, an inline type', (type) => {
    renderPreview(target(type, 'file'));
    const link = screen.getByRole('link', { name: 'Open in new tab' });
    expectInlineDownload(link.getAttribute('href'));
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it.each(['text/html', 'image/svg+xml', 'application/zip'])('offers no “Open in new tab” for %s', (type) => {
    renderPreview(target(type, 'file'));
    expect(screen.getByRole('link', { name: 'Download' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Open in new tab' })).not.toBeInTheDocument();
  });
});
