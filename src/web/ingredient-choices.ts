import type { DbOrTx } from '../db/client.js';
import { listResources, RESOURCE_TABLES, type ResourceKind } from '../domain/ingredients/index.js';

/** A picker lists at most this many (the newest, the API's largest page); the form says when there are more. */
export const MAX_CHOICES = 100;

export interface IngredientChoices {
  kind: ResourceKind;
  options: { id: number; label: string }[];
  total: number;
}

const labelOf = (row: { id: number; name?: string; companyName?: string }) => row.name ?? row.companyName ?? `#${row.id}`;

/** The account's live ingredients of every kind, for the new-task form's pickers (the API's list function). */
export async function ingredientChoices(db: DbOrTx, accountId: number): Promise<IngredientChoices[]> {
  const kinds = Object.keys(RESOURCE_TABLES) as ResourceKind[];
  return Promise.all(
    kinds.map(async (kind) => {
      const list = await listResources(db, kind, accountId, { page: 1, pageSize: MAX_CHOICES });
      return { kind, options: list.items.map((row) => ({ id: row.id, label: labelOf(row) })), total: list.total };
    }),
  );
}
