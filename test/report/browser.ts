/**
 * Opens a page in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core, which downloads no browser) with a fresh profile and the
 * network features that phone home turned off.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Loads the file `path` (or an http: URL) in Chromium, runs `fn(page, requests)`
 * (requests: every URL the page asked for), then closes the browser and
 * removes its profile.
 */
export async function withPage<T>(path: string, fn: (page: Page, requests: string[]) => Promise<T>): Promise<T> {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: the report tests need Debian's chromium; run \`npm run setup\` (as root) to install it`,
  );
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
