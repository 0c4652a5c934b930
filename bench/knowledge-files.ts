import { strToU8, zipSync } from 'fflate';

/** About one printed page of product documentation: a heading and eight paragraphs (some 3,000 characters). */
export function pageText(page: number): { heading: string; paragraphs: string[] } {
  const topics = ['battery life', 'warranty claims', 'rate limits', 'data residency', 'refund timing', 'firmware updates', 'team roles', 'backup schedule'];
  const topic = topics[page % topics.length]!;
  return {
    heading: `Section ${page + 1}: ${topic}`,
    paragraphs: Array.from(
      { length: 8 },
      (_, i) =>
        `Paragraph ${i + 1} of page ${page + 1} explains ${topic} for customers of model ${1000 + page}. ` +
        `It lists the steps support follows, the limits that apply (${(page * 7 + i * 13) % 97} units per day), and what changes after an update. ` +
        `Teams that read this page before calling support resolve most questions about ${topic} on their own, which saves both sides time.`,
    ),
  };
}

const pdfString = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** Wraps a paragraph into lines of at most `width` characters. */
function wrap(text: string, width = 95): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A text PDF of `pages` pages (Helvetica, a text layer on every page), written object by object with its xref table. */
export function makePdf(pages: number): Uint8Array {
  const objects: string[] = [];
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  for (let p = 0; p < pages; p++) {
    const { heading, paragraphs } = pageText(p);
    const lines = [`/F1 14 Tf ${pdfString(heading)} Tj T* /F1 9 Tf`, ...paragraphs.flatMap((para) => [...wrap(para).map((l) => `${pdfString(l)} Tj T*`), 'T*'])];
    const stream = `BT 50 790 Td 12 TL ${lines.join('\n')} ET`;
    objects[pageIds[p]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[p]! + 1} 0 R >>`;
    objects[pageIds[p]! + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A DOCX of `pages` pages: a Heading 1 and eight paragraphs each, a page break between pages. */
export function makeDocx(pages: number): Uint8Array {
  const body = Array.from({ length: pages }, (_, p) => {
    const { heading, paragraphs } = pageText(p);
    return [
      `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>${xml(heading)}</w:t></w:r></w:p>`,
      ...paragraphs.map((t) => `<w:p><w:r><w:t>${xml(t)}</w:t></w:r></w:p>`),
      p < pages - 1 ? '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' : '',
    ].join('');
  }).join('');
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/_rels/document.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    ),
    'word/styles.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W}"><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>`),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`),
  });
}
