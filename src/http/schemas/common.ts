import { z } from 'zod';

/** Building blocks of the response schemas: what `c.json` makes of the domain's rows. */

/** A Date as JSON writes it (`Date.prototype.toJSON`). */
export const timestamp = z.iso.datetime();
export const nullableTimestamp = timestamp.nullable();
export const id = z.number().int().positive();
export const count = z.number().int().nonnegative();
/** Free-form JSON an event or a change carries. */
export const jsonObject = z.record(z.string(), z.unknown());

/** The page of a list: its rows under `key`, with page, pageSize and the total of every page. */
export const paged = <K extends string, S extends z.ZodType>(key: K, row: S) =>
  z.object({ [key]: z.array(row), page: id, pageSize: id, total: count } as { [P in K]: z.ZodArray<S> } & {
    page: typeof id;
    pageSize: typeof id;
    total: typeof count;
  });

/** The one error body, with the codes an operation can answer for one status. */
export const errorResponse = (codes: [string, ...string[]]) =>
  z.object({
    error: z.object({
      code: z.enum(codes),
      message: z.string().describe('What went wrong and what to fix'),
      details: jsonObject.optional(),
    }),
  });
