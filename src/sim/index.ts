/** The top-down kit simulator of Form2Fit (Zakka et al. 2020): geometry, shapes, kits, scenes, suction, placement, episodes, splits, pictures. */
export * from './geometry.js';
export * from './shapes.js';
export * from './kits.js';
export * from './scene.js';
export * from './drop.js';
export * from './render.js';
export * from './suction.js';
export * from './place.js';
export * from './episodes.js';
export * from './splits.js';
export * from './strip.js';
