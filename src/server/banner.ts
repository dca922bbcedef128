// What `polypay start` prints: where the gateway listens, each merchant's credentials per face, and where the
// dashboard, the API reference and the admin API are. README.md shows it as it is (test/server/readme.test.ts).
import { join } from 'node:path';
import type { Gateway, MerchantInfo } from './gateway.js';
import { CREDENTIALS_FOLDER, privateFolder, writePrivateFile } from '../store/sqlite/data-folder.js';

export function banner(gw: Gateway, infos: MerchantInfo[]): string {
  const lines = [
    ``,
    `Polypay is running at ${gw.url}  (store: ${gw.store.dialect}${gw.store.dialect === 'sqlite' ? `, data folder ${gw.config.dataDir}` : ''})`,
  ];
  if (gw.tlsUrl) lines.push(`HTTPS at ${gw.tlsUrl}  (${tlsNote(gw)})`);
  lines.push(``);
  for (const info of infos) {
    lines.push(`Merchant ${info.merchant.id} (${info.merchant.name})`);
    for (const [face, fields] of Object.entries(info.faces)) {
      lines.push(`  ${face}`);
      for (const [k, v] of Object.entries(fields)) lines.push(`    ${k.padEnd(16)} ${printable(gw, info.merchant.id, face, k, v)}`);
    }
    lines.push('');
  }
  lines.push(`Dashboard:  ${gw.url}/dashboard  (sign in with the admin token)`);
  lines.push(`API docs:   ${gw.url}/docs  (OpenAPI for each face; try requests in the browser)`);
  lines.push(`Admin API:  ${gw.url}/admin/api  (token ${gw.adminToken}; OpenAPI at ${gw.url}/admin/openapi.json)`);
  lines.push(`Test cards: docs/test-cards.md   Health: ${gw.url}/healthz   Metrics: ${gw.url}/metrics`, '');
  return lines.join('\n');
}

/** Whose certificate the HTTPS listener presents, and how a client comes to trust the local CA. */
function tlsNote(gw: Gateway): string {
  if (gw.config.tlsCert) return `certificate ${gw.config.tlsCert}`;
  if (gw.tls?.caFile) return `local CA ${gw.tls.caFile}: \`polypay ca\` prints how to trust it`;
  return 'local CA of this process only';
}

/** Multi-line values (PEM keys) go to a file beside the data, and the banner shows its path. */
function printable(gw: Gateway, merchantId: string, face: string, key: string, value: string): string {
  if (!value.includes('\n')) return value;
  if (gw.store.dialect !== 'sqlite' || gw.config.dataDir === ':memory:')
    return '(PEM: `polypay merchant list --json` or GET /admin/api/merchants)';
  const dir = join(gw.config.dataDir, CREDENTIALS_FOLDER);
  privateFolder(dir);
  const file = join(dir, `${merchantId}-${face}-${key}.pem`);
  writePrivateFile(file, value.endsWith('\n') ? value : value + '\n');
  return file;
}
