import { createHash } from 'node:crypto';

/**
 * The human-readable API reference (GET /api/docs): one HTML page rendered on the server from the
 * OpenAPI document, with no script and no asset from anywhere else, so it works offline and always
 * says what the document says.
 */

type Json = Record<string, any>;

const escape = (value: unknown) =>
  String(value).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#222}
code{font:13px ui-monospace,monospace;background:#f3f3f3;padding:0 .25em;border-radius:3px}
section{border-top:1px solid #ddd;padding:.5rem 0}h3{margin:.5rem 0}
.m{display:inline-block;min-width:4.5em;font:bold 13px ui-monospace,monospace;color:#fff;border-radius:3px;text-align:center;padding:.1em .3em}
.get{background:#2b6cb0}.post{background:#2f855a}.put{background:#b7791f}.delete{background:#c53030}
ul.s{margin:.2rem 0;padding-left:1.2rem;list-style:none}.t{color:#666}.r{color:#c53030;font-size:12px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
details{margin:.2rem 0}summary{cursor:pointer}`;

/** The Content-Security-Policy of the page: its one inline stylesheet, nothing else, no framing. */
export const DOCS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'`;

const CONSTRAINTS: [string, string][] = [
  ['minimum', '>='], ['exclusiveMinimum', '>'], ['maximum', '<='], ['minLength', 'min length'], ['maxLength', 'max length'],
  ['minItems', 'min items'], ['maxItems', 'max items'], ['format', 'format'], ['default', 'default'],
];

/** One line of type and limits, e.g. `integer, >= 1, <= 100, default 20`. */
function typeLine(schema: Json): string {
  const parts: string[] = [];
  if (schema.const !== undefined) parts.push(`= ${JSON.stringify(schema.const)}`);
  else if (schema.enum) parts.push(`one of ${schema.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`);
  else if (schema.type) parts.push(Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type);
  for (const [key, label] of CONSTRAINTS) if (schema[key] !== undefined) parts.push(`${label} ${JSON.stringify(schema[key])}`);
  return escape(parts.join(', ') || 'any');
}

/** A JSON Schema as nested lists: fields with type, limits, whether required, and description. */
export function renderSchema(schema: Json | undefined, depth = 0): string {
  if (!schema || depth > 12) return '';
  const alternatives = schema.oneOf ?? schema.anyOf;
  const description = schema.description ? ` — ${escape(schema.description)}` : '';
  if (alternatives && !schema.properties) {
    const nonNull = alternatives.filter((a: Json) => a.type !== 'null');
    const nullable = nonNull.length < alternatives.length ? ' or null' : '';
    if (nonNull.length === 1) return `${renderSchema(nonNull[0], depth)}<span class="t">${nullable}</span>`;
    const items = nonNull.map((a: Json) => `<li>${renderSchema(a, depth + 1)}</li>`).join('');
    return `<span class="t">${schema.oneOf ? 'exactly one of' : 'any of'}${nullable}</span>${description}<ul class="s">${items}</ul>`;
  }
  if (schema.type === 'array') {
    const limits = typeLine({ ...schema, type: undefined });
    return `<span class="t">array${limits === 'any' ? '' : `, ${limits}`} of</span>${description} ${renderSchema(schema.items, depth + 1)}`;
  }
  if (schema.properties) {
    const required = new Set<string>(schema.required ?? []);
    const fields = Object.entries(schema.properties as Record<string, Json>)
      .map(([name, field]) => `<li><code>${escape(name)}</code> ${required.has(name) ? '<span class="r">required</span> ' : ''}${renderSchema(field, depth + 1)}</li>`)
      .join('');
    const closed = schema.additionalProperties === false ? 'object, no other fields' : 'object';
    const exclusive = schema.oneOf
      ? `; exactly one of ${schema.oneOf.map((o: Json) => (o.required ?? []).map((r: string) => `<code>${escape(r)}</code>`).join(' + ')).join(' or ')}`
      : '';
    return `<span class="t">${closed}${exclusive}</span>${description}<ul class="s">${fields}</ul>`;
  }
  if (schema.type === 'object' && schema.additionalProperties) return `<span class="t">object of ${renderSchema(schema.additionalProperties, depth + 1)}</span>${description}`;
  return `<span class="t">${typeLine(schema)}</span>${description}`;
}

function renderParameters(parameters: Json[] | undefined) {
  if (!parameters?.length) return '';
  const rows = parameters
    .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'required' : ''}</td><td>${renderSchema(p.schema)}${p.description ? ` — ${escape(p.description)}` : ''}</td></tr>`)
    .join('');
  return `<table><tr><th>parameter</th><th>in</th><th></th><th>type</th></tr>${rows}</table>`;
}

function renderResponses(responses: Record<string, Json>) {
  return Object.entries(responses)
    .map(([status, r]) => {
      const [mediaType, content] = Object.entries((r.content ?? {}) as Record<string, Json>)[0] ?? [];
      const body = content ? `<details><summary><code>${escape(mediaType)}</code></summary>${renderSchema(content.schema)}</details>` : '';
      return `<li><b>${escape(status)}</b> ${escape(r.description)}${body}</li>`;
    })
    .join('');
}

const anchor = (method: string, path: string) => `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');

/** The whole page for the document `doc`. */
export function renderDocsPage(doc: Json, documentUrl: string): string {
  const byTag = new Map<string, string[]>();
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const id = anchor(method, path);
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), `<li><a href="#${id}"><code>${escape(method.toUpperCase())} ${escape(path)}</code></a> ${escape(op.summary)}</li>`]);
      const body = op.requestBody?.content?.['application/json']?.schema;
      sections.push(`<section id="${id}"><h3><span class="m ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary)}${op.security?.length === 0 ? ' <i>(no API key needed)</i>' : ''}</p>
${renderParameters(op.parameters)}
${body ? `<h4>Request body (JSON)</h4>${renderSchema(body)}` : ''}
<h4>Responses</h4><ul>${renderResponses(op.responses ?? {})}</ul></section>`);
    }
  }
  const nav = [...byTag].map(([tag, items]) => `<h3>${escape(tag)}</h3><ul>${items.join('')}</ul>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(doc.info.title)} ${escape(doc.info.version)}</title><style>${STYLE}</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p>
<p>Send <code>Authorization: Bearer &lt;API key&gt;</code> on every route unless it says otherwise. The machine-readable document: <a href="${escape(documentUrl)}"><code>${escape(documentUrl)}</code></a>.</p>
<nav>${nav}</nav>${sections.join('\n')}</body></html>
`;
}
