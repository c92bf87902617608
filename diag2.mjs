import { pianoTracks } from './dist/src/data/pitched-tracks.js';
import { harmonicNotes } from './dist/src/data/harmonic.js';
import { pitchModel } from './dist/src/pipeline/pitch.js';
import { hzToMidi } from './dist/src/eval/pitch.js';
import * as torch from './dist/src/torch/index.js';
torch.setNumThreads(1);
const model = pitchModel(process.argv[2] ?? 'runs/spice-study/spice');
const med = (a) => { const s = [...a].sort((p, q) => p - q); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const rawY = (audio) => { const fr = model.frontEnd.frames(audio); const { y, confidence } = model.raw(fr); return { y: y.toArray(), c: confidence.toArray() }; };
const { threshold } = model.calibrated();
const tracks = await pianoTracks({ seconds: 3, lowNote: 'C2', highNote: 'C6' });
const piano = tracks.map((t) => { const { y, c } = rawY(t.audio); const truth = hzToMidi(Math.max(...t.f0)); return { name: t.name, truth, y: med(y.filter((v, i) => t.f0[i] > 0 && c[i] >= threshold)) }; });
function synth(K, seed, decay) {
  // notes C2..C6 with K harmonics, amplitude k^-decay, 47 frames
  const out = [];
  const g = seed;
  for (let midi = 36; midi <= 84; midi += 3) {
    const f0 = 440 * 2 ** ((midi - 69) / 12); const n = 47 * 512; const a = new Float32Array(n);
    for (let k = 1; k <= K; k++) { if (k * f0 >= 8000) break; const amp = k ** -decay; const w = 2 * Math.PI * k * f0 / 16000; for (let i = 0; i < n; i++) a[i] += amp * Math.sin(w * i); }
    const { y } = rawY(a); out.push({ midi, y: y[Math.floor(y.length / 2)] });
  }
  return out;
}
function fit(pts) { const n = pts.length; const mp = pts.reduce((s, p) => s + p.y, 0) / n, mq = pts.reduce((s, p) => s + p.midi, 0) / n; let a = 0, b = 0; for (const p of pts) { a += (p.y - mp) ** 2; b += (p.y - mp) * (p.midi - mq); } const s = b / a; return { s, b: mq - s * mp }; }
const cal = model.calibrated(); 
const show = (label, b, s) => console.log(label.padEnd(14), piano.map((p) => (b + s * p.y + 24 - p.truth).toFixed(1).padStart(5)).join(''));
console.log(' '.repeat(14), piano.map((p) => p.name.split('/')[1].padStart(5)).join(''));
show('stored', cal.b, cal.s);
for (const [K, d] of [[1, 0], [3, 0], [3, 1], [6, 1], [10, 1], [10, 0.5], [20, 1]]) { const pts = synth(K, 0, d); const f = fit(pts); show(`K${K} d${d}`, f.b - 24, f.s); console.log(' '.repeat(14), pts.map((p) => (f.b + f.s * p.y - p.midi).toFixed(1).padStart(5)).join('')); }
