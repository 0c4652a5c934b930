/** Versioned prompt templates: the account's own, the built-in presets, the account's default, and the preview of a prompt. */
export * from './presets.js';
export * from './prompt-preview.js';
export * from './template-store.js';
