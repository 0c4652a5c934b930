import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const DOC = path.resolve(import.meta.dirname, '..', 'docs/benchmarks.md');

/**
 * Puts a bench's latest figures between `<!-- name -->` and `<!-- /name -->` in docs/benchmarks.md: in
 * place of the previous run's, or, the first time, just before the results of `npm run bench`.
 */
export async function writeBenchSection(name: string, body: string) {
  const doc = await readFile(DOC, 'utf8');
  const section = `<!-- ${name} -->\n${body}\n<!-- /${name} -->`;
  const previous = new RegExp(`<!-- ${name} -->[\\s\\S]*?<!-- /${name} -->`);
  const next = previous.test(doc) ? doc.replace(previous, () => section) : doc.replace('<!-- results -->', () => `${section}\n\n<!-- results -->`);
  await writeFile(DOC, next);
}
