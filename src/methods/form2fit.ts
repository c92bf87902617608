/**
 * Form2Fit (Zakka, Zeng, Lee, Song 2020, "Form2Fit: Learning Shape Priors for
 * Generalizable Assembly from Disassembly", §IV): three fully convolutional
 * networks learn kit assembly from time-reversed disassembly. The suction net
 * reads the object half and scores every pixel for picking, the place net reads
 * the kit half and scores every pixel for placing (each: per-pixel binary
 * cross-entropy on sampled pixels around the labelled point, optional Dice),
 * and the matching net gives D-dimensional descriptors per pixel of the object
 * half and of the kit half rotated into each of 20 bins of 18°, trained so that
 * an object pixel and its kit pixel in the right rotation lie close and every
 * other pair (other pixels, other rotations) lies at least a margin apart
 * (src/losses/form2fit.ts). The planner (src/eval/form2fit/) combines the three.
 *
 * The reference's matching net is one FCN applied to both halves
 * (`CorrespondenceNet`); `sharedMatching: false` gives each half its own.
 */
import * as torch from '../torch/index.js';
import { bool, int, num, z, type Config } from '../config/schema.js';
import { fmt } from '../torch/functional/options.js';
import { Form2FitFCN } from '../models/form2fit.js';
import type { SceneBatch } from '../data/kit-scenes.js';
import { descriptorLoss, diceLoss, pixelBce } from '../losses/form2fit.js';
import { diskTargets, matchViews, samplePixels } from './form2fit-views.js';
import { MethodModel, type MethodSpec, type StepInfo, type TrainingStep } from './method.js';

type Tensor = torch.Tensor;

/** Rotation bins of the kit views: 20 of 18° (the paper's). */
export const ROTATION_BINS = 20;
/** The reference adds the Dice loss 5× when it is enabled. */
export const DICE_WEIGHT = 5;

export const FORM2FIT_OPTIONS = z.strictObject({
  suctionWidth: int('suction FCN width w (channels w, 2w, 4w)', 16, { min: 1, max: 256 }),
  placeWidth: int('place FCN width w', 16, { min: 1, max: 256 }),
  matchWidth: int('matching FCN width w', 32, { min: 1, max: 256 }),
  descriptorDim: int('descriptor dimension D (paper: 64)', 64, { min: 1, max: 512 }),
  sharedMatching: bool('one matching FCN for the object half and the kit views (the reference); false: one per half', true),
  margin: num('non-match margin on the descriptor L2 distance', 1, { min: 1e-3, max: 100 }),
  hardNegative: bool('average the non-match loss over the pairs still inside the margin only (hard negatives)', true),
  radius: int('radius in px of the positive disk around the labelled suction / place pixel (3 px = 6 mm)', 3, { min: 0, max: 32 }),
  sampleRatio: num('sampled negative pixels per positive in the suction / place loss; also its pos_weight', 5, { min: 0.1, max: 1000 }),
  nonMatches: int('random kit pixels per match as non-matches (in the right rotation)', 8, { min: 0, max: 256 }),
  negativeRotations: int('other rotation bins per example whose kit view gives each match a non-match', 2, {
    min: 0,
    max: ROTATION_BINS - 1,
  }),
  dice: bool('add the Dice loss (5×, as the reference) to the suction and place losses', false),
  wSuction: num('weight of the suction loss', 1, { min: 0 }),
  wPlace: num('weight of the place loss', 1, { min: 0 }),
  wMatch: num('weight of the descriptor loss', 1, { min: 0 }),
});
export type Form2FitOptions = Config<typeof FORM2FIT_OPTIONS>;

/** Batch shapes: kit and object [N, 2, S, S] (S a multiple of 4), suction and place [N, 2], rotation [N], matches [N, K, 4]. */
function checkBatch(b: SceneBatch): void {
  const want: [keyof SceneBatch, (s: number[], n: number) => boolean, string][] = [
    ['kit', (s) => s.length === 4 && s[1] === 2 && s[2] === s[3] && s[2] >= 4 && s[2] % 4 === 0, '[N, 2, S, S] (S a multiple of 4)'],
    ['object', (s) => s.join() === b.kit.shape.join(), `[N, 2, S, S] = ${fmt(b.kit.shape)} like kit`],
    ['suction', (s, n) => s.join() === [n, 2].join(), '[N, 2]'],
    ['place', (s, n) => s.join() === [n, 2].join(), '[N, 2]'],
    ['rotation', (s, n) => s.join() === String(n), '[N]'],
    ['matches', (s, n) => s.length === 3 && s[0] === n && s[2] === 4, '[N, K, 4]'],
  ];
  for (const [name, ok, dims] of want) {
    const t = b[name];
    if (!(t instanceof torch.Tensor)) throw new TypeError(`form2fit: expected batch.${name} as a Tensor ${dims} but received ${typeof t}`);
    if (!ok(t.shape, b.kit.shape[0])) throw new RangeError(`form2fit: expected batch.${name} as ${dims} but received ${fmt(t.shape)}`);
  }
  const bins = b.rotation.toArray() as number[];
  if (!bins.every((r) => r >= 0 && r < ROTATION_BINS))
    throw new RangeError(`form2fit: expected batch.rotation in [0, ${ROTATION_BINS}) but received [${bins}]`);
}

export class Form2FitModel extends MethodModel<SceneBatch, Form2FitFCN> {
  readonly suction: Form2FitFCN;
  readonly place: Form2FitFCN;
  /** The matching net of the object half (and of the kit views when shared). */
  readonly matchObject: Form2FitFCN;
  readonly matchKit: Form2FitFCN;

  constructor(readonly options: Form2FitOptions) {
    super();
    const o = options;
    const fcn = (width: number, outChannels: number): Form2FitFCN => new Form2FitFCN({ inChannels: 2, outChannels, width });
    this.suction = this.registerModule('suction', fcn(o.suctionWidth, 1));
    this.place = this.registerModule('place', fcn(o.placeWidth, 1));
    this.matchObject = this.registerModule('matchObject', fcn(o.matchWidth, o.descriptorDim));
    this.matchKit = o.sharedMatching ? this.matchObject : this.registerModule('matchKit', fcn(o.matchWidth, o.descriptorDim));
  }

  /** The matching net of the object half: its weights are the exported encoder. */
  get encoder(): Form2FitFCN {
    return this.matchObject;
  }
  get representationDim(): number {
    return this.options.descriptorDim;
  }

  /** Suction logits of object halves [N, 2, S, S] → [N, S, S]. */
  suctionLogits(object: Tensor): Tensor {
    return torch.scope(() => this.suction.forward(object).squeeze(1));
  }
  /** Place logits of (unrotated) kit halves [N, 2, S, S] → [N, S, S]. */
  placeLogits(kit: Tensor): Tensor {
    return torch.scope(() => this.place.forward(kit).squeeze(1));
  }
  /** Per-pixel descriptors of halves [N, 2, S, S] of the object or the kit (views) → [N, D, S, S]. */
  descriptors(x: Tensor, stream: 'object' | 'kit'): Tensor {
    if (stream !== 'object' && stream !== 'kit')
      throw new RangeError(`form2fit: expected stream 'object' or 'kit' but received ${JSON.stringify(stream)}`);
    return (stream === 'object' ? this.matchObject : this.matchKit).forward(x);
  }

  /**
   * [object, kit, kitViews, suction target, suction weight, place target, place
   * weight, match object idx [M], match kit idx [M], non-match kit idx [M, C]]
   * (src/methods/form2fit-views.ts).
   */
  views(batch: SceneBatch, generator: torch.Generator): Tensor[] {
    checkBatch(batch);
    const o = this.options;
    const s = batch.kit.shape[2];
    return torch.scope(() => {
      const suction = diskTargets(batch.suction, s, s, o.radius);
      const place = diskTargets(batch.place, s, s, o.radius);
      const suctionWeight = samplePixels(suction, o.sampleRatio, generator);
      const placeWeight = samplePixels(place, o.sampleRatio, generator);
      const m = matchViews(
        batch.kit,
        batch.rotation,
        batch.matches,
        { bins: ROTATION_BINS, negativeRotations: o.negativeRotations, nonMatches: o.nonMatches, exclusion: Math.max(1, o.radius) },
        generator,
      );
      if (m.object.shape[0] === 0) throw new RangeError('form2fit: the batch holds no match inside the rotated kit view (all rows −1?)');
      return [batch.object, batch.kit, m.kitViews, suction, suctionWeight, place, placeWeight, m.object, m.kit, m.nonMatch];
    });
  }

  trainingStep(views: Tensor[], _info: StepInfo): TrainingStep {
    const [object, kit, kitViews, suction, suctionWeight, place, placeWeight, matchObject, matchKit, nonMatch] = views;
    const o = this.options;
    const mapLoss = (logits: Tensor, target: Tensor, weight: Tensor): Tensor => {
      const bce = pixelBce(logits, target, weight, o.sampleRatio);
      return o.dice ? bce.add(diceLoss(logits, target, torch.onesLike(target)).mul(DICE_WEIGHT)) : bce;
    };
    const suctionLoss = mapLoss(this.suctionLogits(object), suction, suctionWeight);
    const placeLoss = mapLoss(this.placeLogits(kit), place, placeWeight);
    const flat = (d: Tensor): Tensor => d.permute([0, 2, 3, 1]).reshape([-1, d.shape[1]]); // [N·S·S, D]
    // One shared net sees both halves in one batch, so that batch norm's running statistics (used in eval mode)
    // are those it normalised with in training; two forwards would train each half on its own statistics.
    const [objectMap, kitMap] = o.sharedMatching
      ? torch.scope(() => {
          const both = this.matchObject.forward(torch.cat([object, kitViews], 0)); // [N + V, D, S, S]
          return [both.narrow(0, 0, object.shape[0]), both.narrow(0, object.shape[0], kitViews.shape[0])];
        })
      : [this.descriptors(object, 'object'), this.descriptors(kitViews, 'kit')];
    const objectDescriptors = flat(objectMap);
    const kitDescriptors = flat(kitMap);
    const [m, c] = nonMatch.shape;
    const dObj = objectDescriptors.indexSelect(0, matchObject); // [M, D]
    const dKit = kitDescriptors.indexSelect(0, matchKit); // [M, D]
    const dNeg = kitDescriptors.indexSelect(0, nonMatch.flatten()); // [M·C, D]
    const dObjNeg = dObj
      .unsqueeze(1)
      .expand([m, c, dObj.shape[1]])
      .reshape([m * c, -1]);
    const desc = descriptorLoss(dObj, dKit, dObjNeg, dNeg, { margin: o.margin, hardNegative: o.hardNegative });
    const loss = suctionLoss.mul(o.wSuction).add(placeLoss.mul(o.wPlace)).add(desc.loss.mul(o.wMatch));
    const logs: Record<string, number> = {
      suction: suctionLoss.item(),
      place: placeLoss.item(),
      match: desc.match.item(),
      nonMatch: desc.nonMatch.item(),
      ...torch.noGrad(() => accuracies(dObj, dKit, dNeg.view([m, c, -1]), o.nonMatches)),
    };
    return { loss, logs };
  }

  /** The object half's descriptors averaged over all pixels: x [N, 2, S, S] → [N, D]. */
  representation(x: Tensor): Tensor {
    return torch.scope(() => this.descriptors(x, 'object').mean([2, 3]));
  }
}

/**
 * matchAccuracy: the share of matches whose kit descriptor is nearer the
 * object descriptor than all C sampled non-matches (chance 1/(1 + C));
 * rotationAccuracy: nearer than the other rotations' kit pixels only (chance
 * 1/(1 + R)); each absent without such candidates. dObj, dKit [M, D]; dNeg [M, C, D], the first `random` random.
 */
function accuracies(dObj: Tensor, dKit: Tensor, dNeg: Tensor, random: number): Record<string, number> {
  return torch.scope(() => {
    const right = dObj.sub(dKit).square().sum(1); // [M]
    const wrong = dNeg.sub(dObj.unsqueeze(1)).square().sum(2); // [M, C]
    const share = (w: Tensor): number => right.lt(w.amin(1)).float().mean().item();
    const logs: Record<string, number> = {};
    if (wrong.shape[1] > 0) logs.matchAccuracy = share(wrong);
    if (wrong.shape[1] > random) logs.rotationAccuracy = share(wrong.narrow(1, random, wrong.shape[1] - random));
    return logs;
  });
}

export const form2fit: MethodSpec<typeof FORM2FIT_OPTIONS, SceneBatch, Form2FitFCN> = {
  name: 'form2fit',
  paper: 'Zakka, Zeng, Lee, Song 2020, Form2Fit: Learning Shape Priors for Generalizable Assembly from Disassembly (§IV)',
  modality: 'scene',
  summary: 'suction, place and rotation-aware matching FCNs for kit assembly, trained on time-reversed disassembly',
  options: FORM2FIT_OPTIONS,
  optim: { name: 'adamw', lr: 0.032, weightDecay: 1e-4 }, // Adam at 1e-3 for batch 8
  build: (o) => new Form2FitModel(o),
};
