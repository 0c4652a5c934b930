import { estimateTokens } from './tokens.js';

export interface ChunkOptions {
  /** Largest chunk, in estimated tokens. */
  maxTokens: number;
  /** Tokens of the previous chunk's end repeated at the start of the next one within a section. */
  overlapTokens: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxTokens: 300, overlapTokens: 40 };

export interface DocumentChunk {
  /** The nearest heading above the chunk ('' when none). */
  heading: string;
  text: string;
  tokens: number;
}

interface Piece {
  text: string;
  tokens: number;
  /** Starts a paragraph (joined by a blank line) rather than continuing one (joined by a space). */
  paragraph: boolean;
}

const HEADING = /^#{1,6}\s+(.+?)\s*#*\s*$/;
/** After Latin punctuation and a space (not inside 3.5 or e.g.), or after CJK punctuation. */
const SENTENCE_END = /(?<=[.!?;])\s+|(?<=[。！？；])\s*/u;
const TOKEN_UNITS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+\s*|\s+/gu;

/** Cuts text over `max` tokens into pieces at word (or CJK character) boundaries. */
function cutByTokens(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const unit of text.match(TOKEN_UNITS) ?? []) {
    if (current && estimateTokens(current + unit) > max) {
      out.push(current.trim());
      current = '';
    }
    current += unit;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** A paragraph as pieces no larger than `max`: whole when it fits, else by sentence, else by word. */
function paragraphPieces(paragraph: string, max: number): Piece[] {
  const whole = estimateTokens(paragraph);
  if (whole <= max) return [{ text: paragraph, tokens: whole, paragraph: true }];
  const parts = paragraph.split(SENTENCE_END).filter((s) => s.trim()).flatMap((s) => (estimateTokens(s) > max ? cutByTokens(s, max) : [s.trim()]));
  return parts.map((text, i) => ({ text, tokens: estimateTokens(text), paragraph: i === 0 }));
}

/** Sections: the text under each Markdown heading (a first section without one). */
function sections(text: string): { heading: string; paragraphs: string[] }[] {
  const out: { heading: string; paragraphs: string[] }[] = [{ heading: '', paragraphs: [] }];
  let paragraph: string[] = [];
  const endParagraph = () => {
    const p = paragraph.join('\n').trim();
    if (p) out[out.length - 1]!.paragraphs.push(p);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = HEADING.exec(line.trim());
    if (heading) {
      endParagraph();
      out.push({ heading: heading[1]!, paragraphs: [] });
    } else if (!line.trim()) {
      endParagraph();
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  return out.filter((s) => s.paragraphs.length > 0);
}

const join = (pieces: Piece[]) => pieces.map((p, i) => (i === 0 ? p.text : `${p.paragraph ? '\n\n' : ' '}${p.text}`)).join('');

/**
 * Splits a document along its structure: a chunk never spans two headings, fills with whole paragraphs
 * up to `maxTokens` (a longer paragraph is cut at sentences, then words), and starts with the last
 * pieces of the chunk before it in the same section, up to `overlapTokens`, so a passage cut in two
 * still reads whole in one of them.
 *
 * @example chunkDocument('# Price\n\nIt costs 5 euros.') // [{ heading: 'Price', text: 'It costs 5 euros.', tokens: 5 }]
 */
export function chunkDocument(text: string, options: ChunkOptions = DEFAULT_CHUNKING): DocumentChunk[] {
  const { maxTokens, overlapTokens } = options;
  const chunks: DocumentChunk[] = [];
  for (const section of sections(text)) {
    let current: Piece[] = [];
    let tokens = 0;
    let fresh = 0;
    const flush = () => {
      if (fresh === 0) return;
      const body = join(current);
      chunks.push({ heading: section.heading, text: body, tokens: estimateTokens(body) });
      const overlap: Piece[] = [];
      let kept = 0;
      for (let i = current.length - 1; i >= 0 && kept + current[i]!.tokens <= overlapTokens; i--) {
        overlap.unshift(current[i]!);
        kept += current[i]!.tokens;
      }
      current = overlap;
      tokens = kept;
      fresh = 0;
    };
    for (const piece of section.paragraphs.flatMap((p) => paragraphPieces(p, maxTokens))) {
      if (tokens + piece.tokens > maxTokens) flush();
      // The overlap plus a large piece may still not fit: drop the overlap rather than exceed the size.
      while (current.length > 0 && tokens + piece.tokens > maxTokens) tokens -= current.shift()!.tokens;
      current.push(piece);
      tokens += piece.tokens;
      fresh++;
    }
    flush();
  }
  return chunks;
}

/**
 * A document's chunks as the JSON rows the INSERT reads (json_to_recordset, documents.ts), with their
 * positions: built where the chunks are made (the parse worker thread for uploads), so the API's thread
 * neither serialises them nor builds a bind parameter per column of every row.
 */
export interface SerializedChunks {
  /** JSON array of {position, heading, text, tokens}. */
  json: string;
  count: number;
}

/** A lone UTF-16 surrogate: JSON.stringify escapes it, which PostgreSQL's json refuses as text; U+FFFD instead, as a text parameter would get. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function serializeChunks(chunks: readonly DocumentChunk[]): SerializedChunks {
  const wellFormed = (s: string) => s.replace(LONE_SURROGATE, '\ufffd');
  const rows = chunks.map((c, position) => ({ position, heading: wellFormed(c.heading), text: wellFormed(c.text), tokens: c.tokens }));
  return { json: JSON.stringify(rows), count: chunks.length };
}
