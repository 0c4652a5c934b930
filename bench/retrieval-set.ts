import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabelledQuestion } from '../src/domain/knowledge/evaluation.js';

const SET_DIR = path.resolve(import.meta.dirname, '..', 'test/fixtures/retrieval');

/** The labelled retrieval set: its documents (file name and text) and its questions. */
export async function loadRetrievalSet() {
  const files = (await readdir(path.join(SET_DIR, 'documents'))).sort();
  const documents = await Promise.all(files.map(async (file) => ({ file, content: await readFile(path.join(SET_DIR, 'documents', file), 'utf8') })));
  const { questions } = JSON.parse(await readFile(path.join(SET_DIR, 'questions.json'), 'utf8')) as { questions: LabelledQuestion[] };
  return { documents, questions };
}

/** Sections under headings, packed by paragraph up to about 600 characters: a stand-in for the upload path's chunker. */
export function standInChunks(content: string, max = 600): string[] {
  const chunks: string[] = [];
  for (const section of content.split(/\n(?=#{1,6} )/)) {
    let current = '';
    for (const para of section.split(/\n\s*\n/)) {
      if (current && current.length + para.length > max) {
        chunks.push(current.trim());
        current = '';
      }
      current += `${para}\n\n`;
    }
    if (current.trim()) chunks.push(current.trim());
  }
  return chunks;
}
