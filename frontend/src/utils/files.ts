// What the browser may show of a file, decided from its stored content type and the server's inline setting.

// Shown as text in a <pre>: never rendered, so HTML or SVG source cannot run.
const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/javascript',
  'application/x-sh',
  'application/sql',
  'image/svg+xml',
]);
const TEXT_EXTENSIONS =
  /\.(txt|log|cfg|conf|ini|csv|tsv|json|ya?ml|xml|md|toml|py|sh|svg|html?|j2|tmpl|rsc|diff|patch)$/i;

export type PreviewKind = 'image' | 'pdf' | 'text' | null;

export function previewKind(contentType: string, filename: string, inlineContentTypes: string[]): PreviewKind {
  const inline = inlineContentTypes.includes(contentType);
  if (inline && contentType.startsWith('image/')) return 'image';
  if (inline && contentType === 'application/pdf') return 'pdf';
  if (contentType.startsWith('text/') || TEXT_TYPES.has(contentType) || TEXT_EXTENSIONS.test(filename)) return 'text';
  return null;
}

/** The download URL asking for inline display (honoured by the server only for its inline types). */
export function inlineUrl(downloadUrl: string): string {
  const url = new URL(downloadUrl, window.location.href);
  url.searchParams.set('inline', '1');
  return url.toString();
}

export function iconFor(contentType: string, filename: string): string {
  if (contentType.startsWith('image/')) return 'mdi-file-image-outline';
  if (contentType === 'application/pdf') return 'mdi-file-pdf-box';
  if (/zip|tar|gzip|compressed|7z|rar/.test(contentType)) return 'mdi-folder-zip-outline';
  if (/spreadsheet|excel|csv/.test(contentType)) return 'mdi-file-table-outline';
  if (/word|opendocument\.text|rtf/.test(contentType)) return 'mdi-file-word-outline';
  if (previewKind(contentType, filename, []) === 'text') return 'mdi-file-document-outline';
  return 'mdi-file-outline';
}

// Larger images get an icon in the table: a thumbnail would download the whole file.
export const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;
