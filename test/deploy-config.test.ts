import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../src/infra/temporal-dev-server.js';

describe('Temporal dynamic config', () => {
  it('docker-compose gives its server the same values as the embedded dev server', async () => {
    const yaml = await readFile(new URL('../deploy/temporal-dynamicconfig.yaml', import.meta.url), 'utf8');
    // The file's shape is `key:` then `  - value: v` on the next line.
    const fromFile = [...yaml.matchAll(/^([\w.]+):\s*\n\s+- value: (\S+)\s*$/gm)].map((m) => `${m[1]}=${m[2]}`);
    expect(fromFile.sort()).toEqual([...DEV_SERVER_DYNAMIC_CONFIG].sort());
    expect(await readFile(new URL('../docker-compose.yml', import.meta.url), 'utf8')).toContain('./deploy/temporal-dynamicconfig.yaml:');
  });
});
