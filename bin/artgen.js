#!/usr/bin/env node
// artgen: runs the TypeScript CLI (src/cli/index.ts) through tsx, a runtime dependency.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
