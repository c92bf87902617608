/**
 * The oracle planner: reads the simulator's ground truth (object and cavity
 * poses), so it bounds what any planner can reach under the evaluation's action
 * format. It grips the first object on the object half whose shape still has an
 * empty cavity, at the pixel of its top farthest from the edges, and places it
 * exactly (sub-pixel) into that cavity with the exact turn; `roundPlace` rounds
 * the place pixel as a pixel-wise planner must.
 */
import { cavityPose, emptySlots, layers, rotateVector, wrapDegrees, type Scene } from '../../sim/index.js';
import { edgeDistance, innermost, regions } from './segment.js';
import type { Action, Planner } from './types.js';

/** The oracle planner (see the module comment); null when no object on the object half has an empty cavity. */
export function oraclePlanner(o: { roundPlace?: boolean } = {}): Planner {
  const roundPlace = o.roundPlace ?? false;
  return {
    name: roundPlace ? 'oracle-pixel' : 'oracle',
    plan: (scene: Scene): Action | null => {
      const empty = emptySlots(scene);
      const index = scene.objects.findIndex(
        (ob) => ob.half === 'object' && empty.some((k) => scene.kit.slots[k].shape.name === ob.shape.name),
      );
      if (index < 0) return null;
      const ob = scene.objects[index];
      const slot = empty.includes(ob.slot) ? ob.slot : empty.find((k) => scene.kit.slots[k].shape.name === ob.shape.name)!;
      const s = scene.size;
      const top = layers(scene, 'object').top;
      const mask = Uint8Array.from(top, (t) => (t === index ? 1 : 0));
      const [region] = regions(mask, s).sort((a, b) => b.pixels.length - a.pixels.length);
      if (!region) return null;
      const suction = innermost(region, edgeDistance(mask, s), s);
      const cavity = cavityPose(scene, slot);
      const rotation = wrapDegrees(cavity.theta - ob.pose.theta);
      const [dx, dy] = rotateVector([suction[0] - ob.pose.x, suction[1] - ob.pose.y], rotation);
      const place: [number, number] = [cavity.x + dx, cavity.y + dy];
      return { suction, place: roundPlace ? [Math.round(place[0]), Math.round(place[1])] : place, rotation };
    },
  };
}
