import { pianoTracks } from './dist/src/data/pitched-tracks.js';
import { pitchModel, trackAudio } from './dist/src/pipeline/pitch.js';
import * as torch from './dist/src/torch/index.js';
torch.setNumThreads(1);
const model = pitchModel(process.argv[2] ?? '/work/wt/exp/runs/spice-study/spice');
const tracks = await pianoTracks({ seconds: 3, lowNote: 'C2', highNote: 'C6' });
for (const t of tracks.filter((t) => /F#3|C4|F#4|C5|A5/.test(t.name))) {
  const fr = trackAudio(model, t.audio);
  console.log(t.name, fr.filter((_, i) => i % 6 === 0).map((f) => `${f.midi.toFixed(1)}${f.voiced ? '' : '?'}/${f.confidence.toFixed(2)}`).join(' '));
}
