export * from './mlp.js';
export * from './flops.js';
export * from './safetensors.js';
export * from './torch.js';
