export * from './metrics.js';
export * from './human_likeness.js';
