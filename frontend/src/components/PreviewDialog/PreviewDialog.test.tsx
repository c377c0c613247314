import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { renderWithQueries } from '../../test/render';
import { URLS, pageApi, refusal, sent, server } from '../../test/server';
import PreviewDialog, { TEXT_PREVIEW_BYTES, type PreviewTarget } from './PreviewDialog';

const INLINE_TYPES = ['application/pdf', 'image/png', 'text/plain'];
const DOWNLOAD_URL = URLS.download(7);

function target(contentType: string, filename: string): PreviewTarget {
  return { name: 'Rack 12', filename, contentType, size: 2048, downloadUrl: DOWNLOAD_URL };
}

function renderPreview(preview: PreviewTarget) {
  renderWithQueries(
    <PreviewDialog target={preview} api={pageApi()} inlineContentTypes={INLINE_TYPES} onClose={vi.fn()} />,
  );
}

/** The download endpoint answers with `body`, e.g. the first bytes of a file with 206 and their Content-Range. */
const download = (body: string, init: ResponseInit = {}) =>
  server.use(http.get(DOWNLOAD_URL, () => new HttpResponse(body, init)));

/** The URL asks the download endpoint for inline display, and is not a /media/ URL. */
function expectInlineDownload(url: string | null) {
  const parsed = new URL(url!);
  expect(parsed.pathname).toBe(new URL(DOWNLOAD_URL).pathname);
  expect(parsed.searchParams.get('inline')).toBe('1');
}

describe('PreviewDialog', () => {
  beforeEach(() => download('text of the file'));

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
    download(source, { headers: { 'Content-Type': contentType } });
    renderPreview(target(contentType, filename));
    const text = await screen.findByText(source);
    expect(text.tagName).toBe('PRE');
    expect(document.querySelector('img, iframe, object, embed, svg, script')).toBeNull();
    expect((window as { previewScriptRan?: boolean }).previewScriptRan).toBeUndefined();
  });

  it('asks the download endpoint for the first bytes only', async () => {
    download('line 1');
    renderPreview(target('text/plain', 'switch.log'));
    await screen.findByText('line 1');
    const requests = sent();
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([`GET ${DOWNLOAD_URL}`]);
    expect(requests[0].headers.get('Range')).toBe(`bytes=0-${TEXT_PREVIEW_BYTES - 1}`);
  });

  it('says a long text shows only its first part', async () => {
    download('line 1', { status: 206, headers: { 'Content-Range': `bytes 0-${TEXT_PREVIEW_BYTES - 1}/1048576` } });
    renderPreview(target('text/plain', 'switch.log'));
    expect(await screen.findByText('Showing the first 256.0 KB; download the file for the rest.')).toBeInTheDocument();
  });

  it('does not mention a first part when the whole text is shown', async () => {
    download('line 1');
    renderPreview(target('text/plain', 'switch.log'));
    expect(await screen.findByText('line 1')).toBeInTheDocument();
    expect(screen.queryByText(/Showing the first/)).not.toBeInTheDocument();
  });

  it('shows why the text could not be read', async () => {
    server.use(http.get(DOWNLOAD_URL, refusal(404, { detail: 'No NetBoxAttachment matches the given query.' })));
    renderPreview(target('text/plain', 'switch.log'));
    expect(await screen.findByRole('alert')).toHaveTextContent('No NetBoxAttachment matches the given query.');
  });

  it('says a type has no preview, and still offers the download from the download URL', async () => {
    renderPreview(target('application/zip', 'configs.zip'));
    expect(screen.getByText(/There is no preview for this type of file/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download' })).toHaveAttribute('href', DOWNLOAD_URL);
    for (const link of screen.getAllByRole('link')) expect(link.getAttribute('href')).not.toContain('/media/');
    await new Promise((resolve) => setTimeout(resolve, 20)); // a text preview's request would have been sent by now
    expect(sent()).toEqual([]);
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
