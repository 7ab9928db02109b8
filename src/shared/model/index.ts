export * from './mlp.js';
export * from './flops.js';
