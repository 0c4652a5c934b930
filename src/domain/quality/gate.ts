import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { QualityFlag, QualityScores, QualitySettings } from '../../shared/quality.js';
import { checkDraftText, type DraftText } from './checks.js';
import { nearestArticle } from './near-duplicates.js';
import { simhash, taggedBands } from './simhash.js';

export interface GateVerdict {
  flags: QualityFlag[];
  scores: Omit<QualityScores, 'attempt'>;
  /** The draft's SimHash as stored with the article. */
  simhashBands: number[];
}

/**
 * Every check of the account's quality gate over one draft: the content checks, then the nearest of the
 * account's articles by SimHash (a near duplicate within the setting's distance fails like a check).
 */
export async function runQualityGate(
  db: DbOrTx,
  input: { accountId: number; settings: QualitySettings; companyName: string | null; draft: DraftText },
): Promise<GateVerdict> {
  const { flags, chars, headings } = checkDraftText(input.draft, input.settings, input.companyName);
  const bands = taggedBands(simhash(`${input.draft.title}\n${input.draft.content}`));
  const nearest = await nearestArticle(db, input.accountId, bands);
  const limit = input.settings.nearDuplicateMaxDistance;
  if (nearest && limit !== null && nearest.distance <= limit) {
    flags.push({ check: 'near_duplicate', message: `too similar to article ${nearest.articleId}; write it differently, in your own structure and words`, params: { articleId: nearest.articleId } });
  }
  return {
    flags,
    scores: {
      chars,
      headings,
      nearestArticleId: nearest?.articleId ?? null,
      similarity: nearest ? Number((1 - nearest.distance / 64).toFixed(4)) : null,
      distance: nearest?.distance ?? null,
    },
    simhashBands: bands,
  };
}

const FEEDBACK_HEADER = 'The draft failed the quality check:';

/** The item's error while it is rewritten: readable in the task detail, and the next attempt's feedback. */
export const qualityFailureText = (flags: QualityFlag[]) => [FEEDBACK_HEADER, ...flags.map((f) => `- ${f.message.replace(/\s+/g, ' ')}`)].join('\n');

/** The reasons a previous attempt of the item failed the gate, from its error; none for any other error. */
export function qualityFeedback(itemError: string | null): string[] {
  if (!itemError?.startsWith(FEEDBACK_HEADER)) return [];
  return itemError
    .split('\n')
    .slice(1)
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
}

/**
 * Keeps why the draft failed on the item (still reserved), where the next attempt reads it, adds the
 * attempt's time to the item's time in attempts, and adds the refused draft's tokens to the task's: they
 * were spent, so the task's and the account's totals count them (an article's own tokens stay those of
 * the draft it was saved from).
 */
export async function recordQualityFailure(
  db: DbOrTx,
  taskId: number,
  position: number,
  flags: QualityFlag[],
  spent: { promptTokens: number; completionTokens: number; durationMs: number },
) {
  await db.execute(sql`
    WITH item AS (
      UPDATE task_items SET error = ${qualityFailureText(flags)}, attempts_duration_ms = attempts_duration_ms + ${Math.max(0, Math.round(spent.durationMs))}::int,
             updated_at = now()
      WHERE task_id = ${taskId} AND position = ${position} AND state = 'reserved'
    )
    UPDATE generation_tasks SET
      prompt_tokens = prompt_tokens + ${spent.promptTokens}::int,
      completion_tokens = completion_tokens + ${spent.completionTokens}::int,
      updated_at = now()
    WHERE id = ${taskId}`);
}
