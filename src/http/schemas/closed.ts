import { z } from 'zod';

type AnySchema = z.ZodType;
type Def = Record<string, any> & { type: string };

const defOf = (schema: AnySchema) => schema._zod.def as Def;
/** Where wrappers (optional, default, pipe, array, record, intersection...) keep the schemas they wrap. */
const CHILD_KEYS = ['innerType', 'element', 'in', 'out', 'valueType', 'left', 'right'] as const;
const cache = new WeakMap<AnySchema, AnySchema>();

/**
 * The schema with every object in it closed (`.strict()`): an unknown key is an `unrecognized_keys`
 * issue instead of being dropped, and the JSON Schema says `additionalProperties: false`. Objects that
 * declare a catchall (`z.looseObject`, `.catchall()`) and records stay open. Request bodies go through
 * this where they are parsed and documented, so the route modules write plain `z.object`s.
 *
 * @example closed(z.object({ a: z.number() })).safeParse({ a: 1, b: 2 }).success === false
 */
export function closed<S extends AnySchema>(schema: S): S {
  const hit = cache.get(schema);
  if (hit) return hit as S;
  const def = defOf(schema);
  const changes: Record<string, unknown> = {};
  if (def.type === 'object') {
    const shape = Object.fromEntries(Object.entries(def.shape as Record<string, AnySchema>).map(([k, v]) => [k, closed(v)]));
    if (Object.entries(shape).some(([k, v]) => v !== def.shape[k])) changes.shape = shape;
    if (def.catchall === undefined) changes.catchall = z.never();
  }
  for (const key of CHILD_KEYS) {
    const child = def[key] as AnySchema | undefined;
    if (child && closed(child) !== child) changes[key] = closed(child);
  }
  if (Array.isArray(def.options)) {
    const options = (def.options as AnySchema[]).map(closed);
    if (options.some((o, i) => o !== def.options[i])) changes.options = options;
  }
  let result: AnySchema = schema;
  if (Object.keys(changes).length > 0) {
    const descriptors = { ...Object.getOwnPropertyDescriptors(def), ...Object.getOwnPropertyDescriptors(changes) };
    result = (schema as unknown as { clone(def: Def): AnySchema }).clone(Object.defineProperties({}, descriptors) as Def);
    // .describe() and .meta() live in the registry, keyed by instance: the copy keeps them.
    const meta = z.globalRegistry.get(schema);
    if (meta) z.globalRegistry.add(result, meta);
  }
  cache.set(schema, result);
  return result as S;
}

/** The schema a value passes through before any transform, default or optional wrapper. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  for (let s = schema, depth = 0; s && depth < 20; depth++) {
    const def = defOf(s);
    const next = (def.innerType ?? (def.type === 'pipe' ? def.in : undefined)) as AnySchema | undefined;
    if (!next) return s;
    s = next;
  }
  return undefined;
}

/** The field names an object at `path` of the schema accepts (for "unknown field" messages); [] when none is there. */
export function fieldsAt(schema: AnySchema, path: PropertyKey[]): string[] {
  let s = unwrap(schema);
  for (const segment of path) {
    const def = s && defOf(s);
    if (def?.type === 'object') s = unwrap(def.shape[segment as string]);
    else if (def?.type === 'array') s = unwrap(def.element);
    else return [];
  }
  return s && defOf(s).type === 'object' ? Object.keys(defOf(s).shape) : [];
}
