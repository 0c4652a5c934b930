import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabelledQuestion } from '../../src/domain/knowledge/evaluation.js';

const SET_DIR = path.resolve(import.meta.dirname, '..', 'fixtures/retrieval');

/** The labelled retrieval set: its documents (file name and text) and its questions. */
export async function loadRetrievalSet() {
  const files = (await readdir(path.join(SET_DIR, 'documents'))).sort();
  const documents = await Promise.all(files.map(async (file) => ({ file, content: await readFile(path.join(SET_DIR, 'documents', file), 'utf8') })));
  const { questions } = JSON.parse(await readFile(path.join(SET_DIR, 'questions.json'), 'utf8')) as { questions: LabelledQuestion[] };
  return { documents, questions };
}
