import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/infra/temporal-dev-server.js';

describe('Temporal dynamic config', () => {
  it('docker-compose gives its server the same values as the embedded dev server', async () => {
    const yaml = await readFile(new URL('../../deploy/temporal-dynamicconfig.yaml', import.meta.url), 'utf8');
    // The file's shape is `key:` then `  - value: v` on the next line.
    const fromFile = [...yaml.matchAll(/^([\w.]+):\s*\n\s+- value: (\S+)\s*$/gm)].map((m) => `${m[1]}=${m[2]}`);
    expect(fromFile.sort()).toEqual([...DEV_SERVER_DYNAMIC_CONFIG].sort());
    expect(await readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8')).toContain('./deploy/temporal-dynamicconfig.yaml:');
  });
});

describe('docker-compose', () => {
  it('restarts every long-running service and starts the app only once its dependencies are healthy', async () => {
    const yaml = await readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    const services = yaml.slice(yaml.indexOf('services:'), yaml.indexOf('\nvolumes:'));
    // Each service is a block that starts with `  name:` at two spaces of indent.
    const blocks = Object.fromEntries(
      services.split(/^(?=  [\w-]+:\s*$)/m).slice(1).map((b) => [b.trim().split(':')[0]!, b]),
    );
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'api', 'worker']) {
      expect(blocks[name], name).toMatch(/restart: unless-stopped/);
    }
    for (const name of ['postgres', 'temporal', 'api']) expect(blocks[name], name).toMatch(/healthcheck:/);
    expect(blocks.temporal).toMatch(/image: temporalio\/server:1\.32\./);
    expect(blocks.api).toMatch(/postgres: \{ condition: service_healthy \}/);
    expect(blocks.worker).toMatch(/depends_on: \*app-depends/);
    // The app runs compiled (`npm run build` in the image), as node itself (npm exits on SIGTERM without
    // passing it on), with an init process.
    expect(blocks.api).toMatch(/command: \['node', 'dist\/api-server\.js'\]\n\s+init: true/);
    expect(blocks.worker).toMatch(/command: \['node', 'dist\/worker\.js'\]\n\s+init: true/);
  });

  it('builds the image in two stages: `npm run build` with the dev dependencies, then dist/ beside the production ones', async () => {
    const dockerfile = await readFile(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toMatch(/FROM node:20\S* AS build[\s\S]*RUN npm run build[\s\S]*FROM node:20[\s\S]*npm ci --omit=dev[\s\S]*COPY --from=build \/app\/dist \.\/dist/);
    expect(await readFile(new URL('../../.dockerignore', import.meta.url), 'utf8')).toMatch(/^dist$[\s\S]*^node_modules$|^node_modules$[\s\S]*^dist$/m);
  });
});
