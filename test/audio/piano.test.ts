import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { loadPiano, midiToFrequency, noteToMidi, pianoNotes } from '../../src/data/piano.js';
import { DataLoader } from '../../src/data/loader.js';
import { ConstantQ } from '../../src/views/audio/cqt.js';
import { assertThrows } from '../helpers.js';

test('30 notes from A0 to C8 with MIDI numbers and frequencies from their names', () => {
  const notes = pianoNotes();
  assert.equal(notes.length, 30);
  assert.deepEqual(
    notes.slice(0, 5).map((n) => [n.note, n.midi]),
    [
      ['A0', 21],
      ['C1', 24],
      ['D#1', 27],
      ['F#1', 30],
      ['A1', 33],
    ],
  );
  assert.deepEqual(notes.at(-1)!.note, 'C8');
  assert.deepEqual(
    notes.map((n) => n.midi),
    Array.from({ length: 30 }, (_, i) => 21 + 3 * i),
    'every minor third',
  );
  const a4 = notes.find((n) => n.note === 'A4')!;
  assert.equal(a4.midi, 69);
  assert.equal(a4.frequency, 440);
  assert.ok(Math.abs(notes[0].frequency - 27.5) < 1e-12 && Math.abs(notes[29].frequency - 4186.009) < 1e-3);
  assert.ok(a4.file.endsWith('A4v10.ogg'));
  assert.deepEqual(['C4', 'Bb3', 'B#3', 'C-1', 'G9'].map(noteToMidi), [60, 58, 60, 0, 127]);
  assert.equal(midiToFrequency(81), 880);
  assertThrows(() => noteToMidi('H2'), /expected a pitch name like 'A4', 'D#1' or 'Bb3' but received "H2"/, RangeError);
});

test('decoded mid-range notes peak in the CQT at their named pitch', async () => {
  const names = ['A3', 'D#4', 'F#4', 'A4', 'C5', 'F#5', 'C6'];
  const recs = (await loadPiano({ notes: names, seconds: 1, sampleRate: 16000 })).items;
  assert.deepEqual(
    recs.map((r) => r.note),
    names,
  );
  for (const r of recs) {
    assert.equal(r.sampleRate, 16000);
    assert.deepEqual(r.audio.shape, [1, 16000]);
    const peak = r.audio.abs().max().item();
    assert.ok(peak > 0.05 && peak <= 1, `${r.note}: peak amplitude ${peak}`);
  }
  // C1 = MIDI 24; 3 bins per semitone over 7 octaves.
  const q = new ConstantQ({ sampleRate: 16000, fMin: midiToFrequency(24), nBins: 252, binsPerOctave: 36, hopLength: 512 });
  const spec = q.forward(torch.cat(recs.map((r) => r.audio))); // [7, 252, 32]
  const estimated = spec
    .mean(2)
    .argmax(1)
    .toArray()
    .map((bin) => 24 + bin / 3);
  recs.forEach((r, i) => assert.ok(Math.abs(estimated[i] - r.midi) < 1, `${r.note}: estimated MIDI ${estimated[i]}, named ${r.midi}`));
});

test('the notes are a Dataset: a DataLoader batches them and disposing a batch keeps the stored notes', async () => {
  const notes = await loadPiano({ notes: ['A3', 'A4', 'A5'], seconds: 0.1, sampleRate: 8000 });
  assert.equal(notes.length, 3);
  const batches: { note: string[]; midi: torch.Tensor; audio: torch.Tensor }[] = [];
  for (let epoch = 0; epoch < 2; epoch++)
    for await (const b of new DataLoader<unknown, { note: string[]; midi: torch.Tensor; audio: torch.Tensor }>(notes, { batchSize: 2 })) {
      batches.push({ note: b.note, midi: b.midi, audio: b.audio });
      if (epoch === 0) for (const t of [b.audio, b.midi]) t.dispose();
    }
  assert.deepEqual(
    batches.slice(2).map((b) => [b.note, b.midi.toArray(), b.audio.shape]),
    [
      [
        ['A3', 'A4'],
        [57, 69],
        [2, 1, 800],
      ],
      [['A5'], [81], [1, 1, 800]],
    ],
  );
  assert.ok(
    notes.items.every((r) => !r.audio.isDisposed),
    'the loader disposed only its own handles',
  );
  assert.deepEqual(batches[2].audio.select(0, 1).toArray(), notes.get(1).audio.toArray());
  assertThrows(() => notes.get(3), /^PianoNotes\.get: expected an index in \[0, 3\) but received 3$/, RangeError);
});

test('stereo output keeps both channels; unknown notes are named', async () => {
  const [rec] = await loadPiano({ notes: ['C8'], seconds: 0.25, sampleRate: 48000, mono: false });
  assert.deepEqual(rec.audio.shape, [2, 12000]);
  assert.ok(rec.audio.select(0, 0).sub(rec.audio.select(0, 1)).abs().max().item() > 0, 'the two channels differ');
  await assert.rejects(loadPiano({ notes: ['C9', 'A4'] }), /loadPiano: unknown notes C9; the set has A0, C1/);
  await assert.rejects(loadPiano({ seconds: 0 }), /expected seconds > 0 but received 0/);
});
