import { sql } from 'drizzle-orm';

/**
 * Ids as one `int[]` parameter, for `= ANY(...)`: drizzle expands a JS array into one parameter per
 * element, which an empty list breaks and PostgreSQL's 65535-parameter limit caps.
 */
export const intArray = (ids: readonly number[]) => sql`${`{${ids.map((id) => Math.trunc(id)).join(',')}}`}::int[]`;
