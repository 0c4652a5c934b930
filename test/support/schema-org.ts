/**
 * The schema.org types artgen's JSON-LD uses, written from schema.org's definitions (https://schema.org/Article,
 * /FAQPage, /Question, /Answer, /Thing; no network): each type's properties with their expected types, the
 * properties inherited from CreativeWork and Thing included. schema.org itself requires nothing; what a
 * consumer needs to use the node (Google's rich-result rules, which follow schema.org's expected types) is
 * `required`. A property not defined for the type, a value of a type the property does not expect, or a
 * missing required property is a violation.
 */
type Range = 'Text' | 'URL' | 'DateTime' | 'Integer' | 'Thing' | 'Question' | 'Answer' | 'ImageObject|URL';
const THING: Record<string, Range> = { name: 'Text', url: 'URL', image: 'ImageObject|URL', description: 'Text' };
const CREATIVE_WORK: Record<string, Range> = {
  ...THING, headline: 'Text', keywords: 'Text', about: 'Thing', inLanguage: 'Text', datePublished: 'DateTime', dateModified: 'DateTime', text: 'Text',
};
const SCHEMA: Record<string, { parent: string | null; properties: Record<string, Range>; required: string[] }> = {
  Thing: { parent: null, properties: THING, required: ['name'] },
  Article: { parent: 'CreativeWork', properties: { ...CREATIVE_WORK, articleBody: 'Text', wordCount: 'Integer' }, required: ['headline'] },
  // FAQPage < WebPage < CreativeWork; mainEntity is Thing's (its value a Question here).
  FAQPage: { parent: 'WebPage', properties: { ...CREATIVE_WORK, mainEntity: 'Question' }, required: ['mainEntity'] },
  Question: { parent: 'Comment', properties: { ...CREATIVE_WORK, acceptedAnswer: 'Answer', suggestedAnswer: 'Answer' }, required: ['name', 'acceptedAnswer'] },
  Answer: { parent: 'Comment', properties: CREATIVE_WORK, required: ['text'] },
};

function violations(node: unknown, where = '$'): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [`${where}: not a node`];
  const n = node as Record<string, unknown>;
  const type = n['@type'];
  const def = typeof type === 'string' ? SCHEMA[type] : undefined;
  if (!def) return [`${where}: unknown @type ${String(type)}`];
  const out: string[] = [];
  for (const req of def.required) if (n[req] === undefined || n[req] === '') out.push(`${where} (${String(type)}): required ${req} missing`);
  for (const [key, value] of Object.entries(n)) {
    if (key === '@type') continue;
    const range = def.properties[key];
    if (!range) {
      out.push(`${where} (${String(type)}): ${key} is not a property of ${String(type)}`);
      continue;
    }
    for (const [i, v] of (Array.isArray(value) ? value : [value]).entries()) out.push(...valueViolations(v, range, `${where}.${key}${Array.isArray(value) ? `[${i}]` : ''}`));
  }
  return out;
}

function valueViolations(v: unknown, range: Range, where: string): string[] {
  switch (range) {
    case 'Text':
      return typeof v === 'string' && v.length > 0 ? [] : [`${where}: expected Text`];
    case 'URL':
    case 'ImageObject|URL':
      return typeof v === 'string' && /^https?:\/\//.test(v) ? [] : [`${where}: expected URL`];
    case 'DateTime':
      return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) ? [] : [`${where}: expected ISO 8601 DateTime`];
    case 'Integer':
      return Number.isInteger(v) ? [] : [`${where}: expected Integer`];
    default: {
      const t = (v as { '@type'?: string } | null)?.['@type'];
      if (range !== 'Thing' && t !== range) return [`${where}: expected ${range}, got ${String(t)}`];
      return violations(v, where);
    }
  }
}

export function graphViolations(doc: Record<string, unknown>): string[] {
  if (doc['@context'] !== 'https://schema.org') return ['@context is not https://schema.org'];
  return (doc['@graph'] as unknown[]).flatMap((node, i) => violations(node, `@graph[${i}]`));
}


/** The JSON-LD documents of an HTML page's `application/ld+json` scripts. */
export const jsonLdOf = (html: string) =>
  [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
