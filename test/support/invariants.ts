import type { Database } from '../../src/db/client.js';

/**
 * DESIGN.md section 3's invariants for one account, checked with plain SQL independent of the product's
 * code. Returns a readable line per violation; an empty list means all five hold.
 */
export async function invariantViolations({ sql }: Database, accountId: number): Promise<string[]> {
  const out: string[] = [];
  const usage = await sql`
    SELECT d.id, d.usage_count, count(u.id)::int AS actual
    FROM distillations d LEFT JOIN distillation_usage u ON u.distillation_id = d.id
    WHERE d.account_id = ${accountId} GROUP BY d.id HAVING d.usage_count <> count(u.id)`;
  for (const r of usage) out.push(`1: distillation ${r.id} usage_count ${r.usage_count} != ${r.actual} usage rows`);

  const reserved = await sql`
    SELECT d.id, d.reserved_count, count(i.task_id)::int AS actual
    FROM distillations d LEFT JOIN task_items i ON i.distillation_id = d.id AND i.state = 'reserved'
    WHERE d.account_id = ${accountId} GROUP BY d.id HAVING d.reserved_count <> count(i.task_id)`;
  for (const r of reserved) out.push(`2: distillation ${r.id} reserved_count ${r.reserved_count} != ${r.actual} reserved items`);

  const dupArticles = await sql`
    SELECT task_id, position, count(*)::int AS n FROM articles WHERE account_id = ${accountId} AND task_id IS NOT NULL
    GROUP BY task_id, position HAVING count(*) > 1`;
  for (const r of dupArticles) out.push(`3: task ${r.task_id} position ${r.position} has ${r.n} articles`);
  const dupUsage = await sql`
    SELECT u.task_id, u.position, count(*)::int AS n FROM distillation_usage u
    JOIN generation_tasks t ON t.id = u.task_id WHERE t.account_id = ${accountId}
    GROUP BY u.task_id, u.position HAVING count(*) > 1`;
  for (const r of dupUsage) out.push(`3: task ${r.task_id} position ${r.position} has ${r.n} usage rows`);

  const savedWithoutArticle = await sql`
    SELECT i.task_id, i.position FROM task_items i JOIN generation_tasks t ON t.id = i.task_id
    LEFT JOIN articles a ON a.task_id = i.task_id AND a.position = i.position AND a.id = i.article_id
    WHERE t.account_id = ${accountId} AND i.state = 'saved' AND a.id IS NULL`;
  for (const r of savedWithoutArticle) out.push(`4: saved item ${r.task_id}/${r.position} has no article`);
  const articleWithoutSaved = await sql`
    SELECT a.task_id, a.position FROM articles a
    LEFT JOIN task_items i ON i.task_id = a.task_id AND i.position = a.position AND i.state = 'saved'
    WHERE a.account_id = ${accountId} AND a.task_id IS NOT NULL AND i.task_id IS NULL`;
  for (const r of articleWithoutSaved) out.push(`4: article ${r.task_id}/${r.position} has no saved item`);
  const counts = await sql`
    SELECT t.id, t.generated_count, count(i.task_id) FILTER (WHERE i.state = 'saved')::int AS actual
    FROM generation_tasks t LEFT JOIN task_items i ON i.task_id = t.id
    WHERE t.account_id = ${accountId} GROUP BY t.id
    HAVING t.generated_count <> count(i.task_id) FILTER (WHERE i.state = 'saved')`;
  for (const r of counts) out.push(`4: task ${r.id} generated_count ${r.generated_count} != ${r.actual} saved items`);

  const terminalReserved = await sql`
    SELECT t.id, count(*)::int AS n FROM generation_tasks t JOIN task_items i ON i.task_id = t.id
    WHERE t.account_id = ${accountId} AND t.status IN ('completed','failed','canceled','timeout') AND i.state = 'reserved'
    GROUP BY t.id`;
  for (const r of terminalReserved) out.push(`5: terminal task ${r.id} still holds ${r.n} reserved items`);
  return out;
}
