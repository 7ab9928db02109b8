export * from './backprop.js';
export * from './optimizers.js';
export * from './trainer.js';
export * from './shuffle.js';
export * from './tfjs_trainer.js';
export * from './supervised.js';
