export * from './backprop.js';
export * from './optimizers.js';
export * from './trainer.js';
