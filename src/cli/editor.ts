/** Editing text in the user's editor, the way `git commit` does: a temp file, $VISUAL / $EDITOR, read back. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from './errors.js';

/** Title on the first line, an empty line, then the content: Markdown keeps its '#', so no comment lines. */
export const articleFileText = (a: { title: string; content: string }) => `${a.title}\n\n${a.content}`;

/** The title and content of an edited article file; an empty title is the user's to fix. */
export function parseArticleFile(text: string): { title: string; content: string } {
  const normalized = text.replace(/\r\n/g, '\n');
  const newline = normalized.indexOf('\n');
  const title = (newline === -1 ? normalized : normalized.slice(0, newline)).trim();
  const content = newline === -1 ? '' : normalized.slice(newline + 1).replace(/^\n/, '');
  if (!title) throw new CliError('The edited file has an empty first line: the title is needed there. Nothing was changed.');
  return { title, content };
}

/**
 * Writes `text` to a temp file, runs the editor on it (through the shell, so EDITOR may carry arguments
 * such as "code --wait") and returns what the file holds when the editor exits.
 */
export function editInEditor(text: string, fileName: string): string {
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const dir = mkdtempSync(path.join(tmpdir(), 'artgen-edit-'));
  const file = path.join(dir, fileName);
  try {
    writeFileSync(file, text);
    const run = spawnSync('sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
    if (run.error) throw new CliError(`Could not start the editor '${editor}': ${run.error.message}. Set EDITOR.`);
    if (run.status !== 0) throw new CliError(`The editor '${editor}' exited with code ${run.status}; nothing was changed.`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
