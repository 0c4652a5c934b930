import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { TEMPLATE_PRESETS } from '../../llm/template-presets.js';
import { ADVISORY_LOCK } from '../../db/advisory-locks.js';

const seeded = new WeakMap<object, Promise<void>>();
const ADVISORY_PRESET_SEED = ADVISORY_LOCK.presetSeed;

/**
 * Puts the built-in presets (src/llm/template-presets.ts) into prompt_templates once per process and
 * database: a preset whose text changed in the code gets a new revision, so articles keep naming the text
 * they were written with. Idempotent across processes (an advisory lock serializes the check).
 */
export function ensurePresetTemplates(db: Db): Promise<void> {
  let done = seeded.get(db);
  if (!done) {
    done = seedPresets(db);
    seeded.set(db, done);
    done.catch(() => seeded.delete(db));
  }
  return done;
}

async function seedPresets(db: Db) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_PRESET_SEED}, 0)`);
    for (const p of TEMPLATE_PRESETS) {
      const [t] = await tx.execute<{ id: number; revision: number; system: string | null; user: string | null }>(sql`
        WITH t AS (
          INSERT INTO prompt_templates (preset_key, name, revision) VALUES (${p.key}, ${p.name}, 0)
          ON CONFLICT (preset_key) DO UPDATE SET name = excluded.name
          RETURNING id, revision
        )
        SELECT t.id, t.revision, r.system, r."user" FROM t
        LEFT JOIN prompt_template_revisions r ON r.template_id = t.id AND r.revision = t.revision`);
      if (t!.system === p.system && t!.user === p.user) continue;
      const revision = t!.revision + 1;
      await tx.execute(sql`INSERT INTO prompt_template_revisions (template_id, revision, system, "user") VALUES (${t!.id}, ${revision}, ${p.system}, ${p.user})`);
      await tx.execute(sql`UPDATE prompt_templates SET revision = ${revision}, updated_at = now() WHERE id = ${t!.id}`);
    }
  });
}
