// Prints the size of each page's files and fails when the object widget's initial JavaScript is over budget.
// Initial = the files django-webpack-loader puts on the page for an entry: the chunks it shares with the other page
// (React and the libraries, the stylesheet) and its own script. Lazy chunks load only when used.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const BUDGETS = { 'object-widget': 100 * 1024 }; // gzipped bytes, from issue 5

const here = path.dirname(fileURLToPath(import.meta.url));
const pluginDir = path.resolve(here, '../../netbox_attachments');
const distDir = path.join(pluginDir, 'static/netbox_attachments/dist');
const stats = JSON.parse(fs.readFileSync(path.join(pluginDir, 'webpack-stats.json'), 'utf8'));
if (stats.status !== 'done') throw new Error(`webpack-stats.json says the build is "${stats.status}"`);

const measure = (file) => {
  const bytes = fs.readFileSync(path.join(distDir, file));
  return { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(9);

const entries = Object.entries(stats.chunks);
const initial = new Set(entries.flatMap(([, files]) => files));
const shared = new Set([...initial].filter((file) => entries.every(([, files]) => files.includes(file))));
const rows = [];
for (const [entry, files] of entries) {
  const scripts = files.filter((f) => f.endsWith('.js')).map(measure);
  const raw = scripts.reduce((sum, s) => sum + s.raw, 0);
  const gzip = scripts.reduce((sum, s) => sum + s.gzip, 0);
  rows.push({ name: `${entry} (initial JavaScript)`, raw, gzip, budget: BUDGETS[entry] });
  for (const file of files) rows.push({ name: `  ${file}${shared.has(file) ? ' (shared)' : ''}`, ...measure(file) });
}
const walk = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? walk(path.join(dir, d.name)) : [path.relative(distDir, path.join(dir, d.name))],
    );
for (const file of walk(distDir)
  .filter((f) => f.endsWith('.js') && !initial.has(f))
  .sort()) {
  rows.push({ name: `  lazy ${file}`, ...measure(file) });
}

console.log(`${'bundle'.padEnd(52)}${'raw'.padStart(9)}${'gzip'.padStart(9)}   budget (gzip)`);
let over = false;
for (const row of rows) {
  const verdict =
    row.budget === undefined ? '' : row.gzip <= row.budget ? `${kb(row.budget)}  ok` : `${kb(row.budget)}  OVER`;
  over ||= row.budget !== undefined && row.gzip > row.budget;
  console.log(`${row.name.padEnd(52)}${kb(row.raw)}${kb(row.gzip)}   ${verdict}`);
}
if (over) {
  console.error('A bundle is over its budget: see the table above.');
  process.exit(1);
}
