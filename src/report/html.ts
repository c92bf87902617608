/**
 * The report page: one self-contained HTML document (inline CSS and SVG, no
 * script, no external resources) with the runs, a results table and the charts.
 */
import type { Run } from './read.js';
import type { Section } from './sections.js';
import { percent } from './scale.js';
import { esc } from './svg.js';

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; background: #f6f7f9; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #555; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e6e6e6; }
th { background: #eef1f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0; background: #fff; border: 1px solid #e2e4e8; border-radius: 6px; padding: 8px; }
svg.chart { display: block; width: 100%; height: auto; }
figcaption, .note { color: #555; font-size: 13px; margin: 4px 8px; }
details { margin: 6px 0; }
summary { cursor: pointer; }
pre { background: #fff; border: 1px solid #e2e4e8; padding: 10px; overflow: auto; font-size: 12px; }
code { font-size: 13px; }
ul.warnings { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 6px; padding: 8px 8px 8px 28px; }
`;

const DASH = '–';

function cell(v: unknown): string {
  return typeof v === 'string' && v ? esc(v) : DASH;
}

/** A config's method: a name, or a section with a name (`{ name: 'byol', … }`). */
const methodName = (m: unknown): unknown => (m !== null && typeof m === 'object' ? (m as { name?: unknown }).name : m);

function num(v: number | undefined, f: (v: number) => string): string {
  return `<td class="num">${v === undefined || !Number.isFinite(v) ? DASH : esc(f(v))}</td>`;
}

/** One row per run: name, command, method, directory, logged training steps, last loss; then each config as collapsible JSON. */
function runsSection(runs: Run[]): string {
  const rows = runs.map((r) => {
    const last = r.train.at(-1);
    return (
      `<tr><td>${esc(r.name)}</td><td>${cell(r.config.command)}</td><td>${cell(methodName(r.config.method))}</td><td><code>${esc(r.dir)}</code></td>` +
      `${num(r.train.length, String)}${num(last?.loss, (v) => v.toPrecision(4))}</tr>`
    );
  });
  const configs = runs.map(
    (r) => `<details><summary>Config of ${esc(r.name)}</summary><pre>${esc(JSON.stringify(r.config, null, 2))}</pre></details>`,
  );
  return `<h2>Runs</h2><table><thead><tr><th>Run</th><th>Command</th><th>Method</th><th>Directory</th><th>Logged steps</th><th>Last loss</th></tr></thead><tbody>${rows.join('')}</tbody></table>${configs.join('')}`;
}

/** Every final number of every run: probes (linear, kNN; test and shifted splits) and fine-tuning results. */
function resultsSection(runs: Run[]): string {
  const rows = runs.flatMap((r) => [
    ...r.probe.map((p) => ({
      run: r.name,
      what: `${p.kind} probe${p.fraction === undefined ? '' : `, ${percent(p.fraction)} of labels`}`,
      split: p.split,
      labels: p.labels,
      top1: p.top1,
      top5: p.top5,
      auc: p.meanAuc,
    })),
    ...r.finetune.map((f) => ({
      run: r.name,
      what: `fine-tune from ${f.init}, ${percent(f.fraction)} of labels`,
      split: f.split,
      labels: f.labels,
      top1: f.top1,
      top5: f.top5,
      auc: f.meanAuc,
    })),
  ]);
  if (rows.length === 0)
    return '<h2>Results</h2><p class="note">No final results were logged (no "probe" or "finetune" events in metrics.jsonl).</p>';
  const body = rows.map(
    (x) =>
      `<tr><td>${esc(x.run)}</td><td>${esc(x.what)}</td><td>${esc(x.split)}</td>${num(x.labels, String)}` +
      `${num(x.top1, (v) => (v * 100).toFixed(1))}${num(x.top5, (v) => (v * 100).toFixed(1))}${num(x.auc, (v) => v.toFixed(3))}</tr>`,
  );
  return `<h2>Results</h2><table><thead><tr><th>Run</th><th>Evaluation</th><th>Split</th><th>Labels</th><th>Top-1 %</th><th>Top-5 %</th><th>Mean AUC</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** Warnings logged by the runs (the collapse guard's first of all): a collapsed representation must not pass unnoticed. */
function warningsSection(runs: Run[]): string {
  const items = runs.flatMap((r) =>
    r.warnings.map((w) => `<li><strong>${esc(r.name)}</strong>${w.stage ? ` (${esc(w.stage)})` : ''}: ${esc(w.message)}</li>`),
  );
  return items.length ? `<h2>Warnings</h2><ul class="warnings">${items.join('')}</ul>` : '';
}

function chartSection(s: Section): string {
  if (!s.svg) return `<p class="note" id="${esc(s.id)}"><strong>${esc(s.title)}:</strong> ${esc(s.note)}</p>`;
  return `<figure id="${esc(s.id)}">${s.svg}${s.note ? `<figcaption>${esc(s.note)}</figcaption>` : ''}</figure>`;
}

/** The whole page. `groups` are headed chart groups, e.g. ["Training", [loss, knn]]. */
export function page(title: string, runs: Run[], groups: [string, Section[]][]): string {
  const charts = groups.map(([heading, sections]) => `<h2>${esc(heading)}</h2>${sections.map(chartSection).join('')}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="sub">${runs.length} run${runs.length === 1 ? '' : 's'}: ${runs.map((r) => esc(r.name)).join(', ')}</p>
${runsSection(runs)}
${warningsSection(runs)}
${resultsSection(runs)}
${charts.join('\n')}
</main>
</body>
</html>
`;
}
