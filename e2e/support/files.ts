// Files made in memory: real PNG and PDF bytes a browser can render, and files that must never run their scripts.
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** What Playwright's setInputFiles and multipart bodies take. */
export interface FileSpec {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG of the given size in vertical stripes of the colours given, so a preview shows something. */
export function png(name: string, width = 240, height = 160, colours: [number, number, number][] = STRIPES): FileSpec {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const row = Buffer.alloc(1 + width * 3); // filter byte 0, then the pixels
  for (let x = 0; x < width; x++) row.set(colours[Math.floor((x * colours.length) / width)], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  const buffer = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mimeType: 'image/png', buffer };
}
const STRIPES: [number, number, number][] = [
  [32, 107, 196],
  [245, 159, 0],
  [47, 179, 68],
];

/** A valid one-page PDF that shows `title`. */
export function pdf(name: string, title: string): FileSpec {
  const stream = `BT /F1 24 Tf 72 720 Td (${title.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(out.length);
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(out, 'latin1') };
}

export function text(name: string, content: string, mimeType = 'text/plain'): FileSpec {
  return { name, mimeType, buffer: Buffer.from(content, 'utf8') };
}

/** Bytes that differ in every file, so a download that returns another file's bytes cannot pass. */
export function randomFile(name: string, size: number, mimeType = 'application/octet-stream'): FileSpec {
  return { name, mimeType, buffer: randomBytes(size) };
}

/** Markup whose script, if it ever ran in the page, would set window.__attachmentScriptRan. */
export const SCRIPT_MARKER = '__attachmentScriptRan';
export function htmlWithScript(name: string): FileSpec {
  return text(
    name,
    `<!doctype html><html><body><h1>Report</h1><script>window.parent.${SCRIPT_MARKER} = true; window.${SCRIPT_MARKER} = true;</script></body></html>`,
    'text/html',
  );
}
export function svgWithScript(name: string): FileSpec {
  return text(
    name,
    `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="window.parent.${SCRIPT_MARKER} = true"><script>window.parent.${SCRIPT_MARKER} = true; window.${SCRIPT_MARKER} = true;</script><rect width="100" height="100" fill="red"/></svg>`,
    'image/svg+xml',
  );
}
