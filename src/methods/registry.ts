/** The self-supervised methods by name; an unknown name lists the valid ones. */
import type { Modality } from '../data/registry.js';
import type { MethodSpec } from './method.js';
import { simclr } from './simclr.js';
import { micle } from './micle.js';
import { byol } from './byol.js';
import { simsiam } from './simsiam.js';
import { mocov3 } from './mocov3.js';
import { barlowtwins } from './barlowtwins.js';
import { vicreg } from './vicreg.js';
import { dino } from './dino.js';
import { electra } from './electra.js';
import { mlm } from './mlm.js';
import { spice } from './spice.js';
import { trill } from './trill.js';
import { frill } from './frill.js';
import { form2fit } from './form2fit.js';

/** Every method, by name (the order of `selfsup methods`). */
export const METHODS: Readonly<Record<string, MethodSpec>> = Object.fromEntries(
  [simclr, micle, byol, mocov3, simsiam, barlowtwins, vicreg, dino, electra, mlm, spice, trill, frill, form2fit].map((m) => [
    m.name,
    m as unknown as MethodSpec,
  ]),
);

/** The method named `name` (of `modality`, when given). */
export function getMethod(name: string, modality?: Modality): MethodSpec {
  const valid = Object.values(METHODS).filter((m) => !modality || m.modality === modality);
  const m = valid.find((s) => s.name === name);
  if (!m)
    throw new RangeError(
      `unknown ${modality ? modality + ' ' : ''}method ${JSON.stringify(name)} (valid: ${valid.map((s) => s.name).join(', ')})`,
    );
  return m;
}
