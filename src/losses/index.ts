/** Self-supervised losses as pure functions; each term is exported on its own. */
export { ntXent, ntXentLogits, ntXentAccuracy, type NtXentOptions } from './ntxent.js';
