/**
 * Helpers of the `export --web` tests: a static file server for the page's
 * folder, a driver that gives the page files in headless Chromium and reads
 * what it shows, and two comparisons.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { withPage } from '../report/browser.js';

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

/** A static file server for `dir` on a free local port: its base URL and a close function. */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** What the page shows for one input. */
export interface Shown {
  name: string;
  error?: string;
  raw?: number[];
  ms?: number;
  latency?: string;
  predicted?: string;
  neighbours?: number[];
}

/** Opens `url`, gives the page `files` through its file input, and reads its results. */
export async function drive(url: string, files: string[]): Promise<{ shown: Shown[]; requests: string[]; about: string }> {
  return withPage(url, async (page, requests) => {
    await page.waitForSelector('#files:enabled', { timeout: 60_000 });
    await page.setInputFiles('#files', files);
    await page.waitForFunction((n) => document.querySelectorAll('#results > li').length === n, files.length, { timeout: 60_000 });
    const shown = await page.$$eval('#results > li', (items) =>
      items.map((li) => {
        const text = (sel: string) => li.querySelector(sel)?.textContent ?? undefined;
        const ms = li.querySelector('[data-ms]')?.getAttribute('data-ms');
        const raw = text('pre.raw');
        return {
          name: text('h3') ?? '',
          error: text('[role=alert]'),
          raw: raw === undefined ? undefined : (JSON.parse(raw) as number[]),
          ms: ms == null ? undefined : Number(ms),
          latency: text('.latency'),
          predicted: text('.prediction strong'),
          neighbours: Array.from(li.querySelectorAll('.neighbours > li'), (n) => Number(n.getAttribute('data-index'))),
        };
      }),
    );
    return { shown, requests, about: (await page.textContent('#about')) ?? '' };
  });
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

/** Indices of the k largest values, largest first. */
export const topK = (v: number[], k: number): number[] =>
  Array.from(v.keys())
    .sort((a, b) => v[b] - v[a])
    .slice(0, k);
