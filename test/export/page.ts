/**
 * Helpers of the `export --web` tests (which serve the page's folder with
 * bench/browser.ts): a driver that gives the page files in headless Chromium
 * and reads what it shows, and two comparisons.
 */
import assert from 'node:assert/strict';
import { withPage } from '../../bench/browser.js';

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
