/**
 * bench/deploy's browser rows: onnxruntime-web in headless Chromium — the wasm
 * bundle and SIMD binary `selfsup export --web` ships (src/export/web.ts), one
 * thread, the wasm execution provider with all graph optimizations — on ONNX
 * files served from a temporary folder by bench/browser.ts's static server. The
 * loop runs in the page (performance.now() around each awaited session.run), so
 * no round trip to Node is timed; the page is cross-origin isolated, which gives
 * Chromium's clock 5 µs resolution instead of 100 µs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OrtWeb from 'onnxruntime-web';
import type { SelfTimed } from '../../src/export/latency.js';
import { writeOrtFiles } from '../../src/export/web.js';
import { serve, withPage } from '../browser.js';

/** What the page keeps between calls, on globalThis.bench. */
interface PageState {
  ort: typeof OrtWeb;
  sessions: Record<string, OrtWeb.InferenceSession>;
  feeds: Record<string, Record<string, OrtWeb.Tensor>>;
}

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

export interface Browser {
  /** onnxruntime-web's version and the page's clock. */
  about: string;
  /** A session per ONNX file of `files` (side → bytes) on the float32 input `x` of `shape`: each side self-timed in the page. */
  load(
    files: Record<string, Uint8Array>,
    x: Float32Array,
    shape: number[],
  ): Promise<{ sides: Record<string, SelfTimed>; release: () => Promise<void> }>;
}

/** Runs `fn` with a page in Chromium that has onnxruntime-web loaded, then closes the page, the server and the folder. */
export async function withBrowser<T>(fn: (b: Browser) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-deploy-web-'));
  const bundle = writeOrtFiles(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench/deploy</title>\n');
  const server = await serve(dir, ISOLATED);
  try {
    return await withPage(server.url, async (page) => {
      const about = await page.evaluate(async (bundle) => {
        const ort = (await import(new URL(bundle, location.href).href)) as typeof OrtWeb;
        ort.env.wasm.numThreads = 1;
        (globalThis as unknown as { bench: PageState }).bench = { ort, sessions: {}, feeds: {} };
        return `onnxruntime-web ${ort.env.versions.web} in Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1]}, ${crossOriginIsolated ? '5 µs' : '100 µs'} clock`;
      }, bundle);
      let loaded = 0;
      const load: Browser['load'] = async (files, x, shape) => {
        const names = Object.fromEntries(Object.keys(files).map((side, i) => [side, `${loaded}-${i}.onnx`]));
        loaded++;
        for (const [side, bytes] of Object.entries(files)) writeFileSync(join(dir, names[side]), bytes);
        try {
          await page.evaluate(
            async ({ names, x, shape }) => {
              const b = (globalThis as unknown as { bench: PageState }).bench;
              for (const [side, file] of Object.entries(names)) {
                const s = await b.ort.InferenceSession.create(file, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
                b.sessions[side] = s;
                b.feeds[side] = { [s.inputNames[0]]: new b.ort.Tensor('float32', Float32Array.from(x), shape) };
              }
            },
            { names, x: Array.from(x), shape },
          );
        } finally {
          for (const f of Object.values(names)) rmSync(join(dir, f), { force: true });
        }
        const round = (side: string) => (warmup: number, per: number) =>
          page.evaluate(
            async ({ side, warmup, per }) => {
              const b = (globalThis as unknown as { bench: PageState }).bench;
              const [s, feeds] = [b.sessions[side], b.feeds[side]];
              for (let i = 0; i < warmup; i++) await s.run(feeds);
              const ms: number[] = [];
              for (let i = 0; i < per; i++) {
                const t0 = performance.now();
                await s.run(feeds);
                ms.push(performance.now() - t0);
              }
              return ms;
            },
            { side, warmup, per },
          );
        const sides = Object.fromEntries(Object.keys(files).map((side) => [side, { round: round(side) }]));
        const release = () =>
          page.evaluate(async (sides) => {
            const b = (globalThis as unknown as { bench: PageState }).bench;
            for (const side of sides) {
              await b.sessions[side].release();
              delete b.sessions[side];
              delete b.feeds[side];
            }
          }, Object.keys(files));
        return { sides, release };
      };
      return fn({ about, load });
    });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
