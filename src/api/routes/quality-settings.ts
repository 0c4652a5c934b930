import { Hono } from 'hono';
import { z } from 'zod';
import { qualitySettingsInput, qualitySettingsShape } from '../../http/schemas/quality-request.js';
import { getQualitySettings, putQualitySettings } from '../../domain/quality/settings.js';
import type { ApiOperation } from '../operation.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseJsonBody } from '../../http/validation.js';

const settings = qualitySettingsShape;
const settingsBody = qualitySettingsInput;
const answer = z.object({
  settings: settings.describe('What applies to every draft of the account'),
  overrides: settingsBody.describe("The account's own settings"),
  defaults: settings.describe('The config defaults, for every field not overridden'),
});

/** The account's quality gate, checked on every draft before it is saved (src/domain/quality/). */
export function qualitySettingsRoutes({ db, quality }: RouteDeps) {
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await getQualitySettings(db, c.get('accountId'), quality)))
    .put('/', async (c) => {
      const overrides = await parseJsonBody(c, settingsBody);
      return c.json(await putQualitySettings(db, c.get('accountId'), overrides, quality));
    });
}

export const qualitySettingsOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: "The account's quality gate: what applies, its own settings and the defaults", response: answer },
  {
    method: 'put',
    path: '/',
    summary: "Replace the account's quality gate (fields left out follow the defaults)",
    body: settingsBody,
    response: answer,
  },
];
