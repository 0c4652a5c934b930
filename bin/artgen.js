#!/usr/bin/env node
// artgen: runs the TypeScript CLI (src/cli/index.ts) through tsx, a runtime dependency.
import module from 'node:module';

if (typeof module.register !== 'function') {
  // tsx hooks into the loader with module.register (Node.js >= 20.6).
  process.stderr.write(`artgen: needs Node.js 20.6 or newer (this is ${process.version}).\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/index.ts');
