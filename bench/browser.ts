/**
 * Headless Chromium for the page tests and bench/deploy's browser rows:
 * Debian's /usr/bin/chromium, driven by playwright-core (which downloads no
 * browser), with a fresh profile and the network features that phone home
 * turned off; and a static file server for a folder on a free local port.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot run here (Debian's chromium is not installed), or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing: the browser checks need Debian's chromium; run \`npm run setup\` (as root) to install it`;
}

/**
 * Loads the file `path` (or an http: URL) in Chromium, runs `fn(page, requests)`
 * (requests: every URL the page asked for), then closes the browser and
 * removes its profile.
 */
export async function withPage<T>(path: string, fn: (page: Page, requests: string[]) => Promise<T>): Promise<T> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const profile = mkdtempSync(join(tmpdir(), 'selfsup-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
  });
  try {
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(/^http:/.test(path) ? path : pathToFileURL(path).href, { waitUntil: 'load' });
    return await fn(page, requests);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.wav': 'audio/wav',
};

/**
 * A static file server for `dir` on a free local port, sending `headers` with
 * every file: its base URL and a close function.
 */
export async function serve(dir: string, headers: OutgoingHttpHeaders = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}
