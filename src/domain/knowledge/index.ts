/** Knowledge bases' documents: parsed from files, split into chunks, searched, and retrieved for articles' prompts. */
export * from './article-knowledge.js';
export * from './chunking.js';
export * from './documents.js';
export * from './search.js';
export { knowledgeTsQuery } from './search-query.js';
export { estimateTokens } from './tokens.js';
export { DOCX_MEDIA_TYPE, type ParsedDocument, type ParseOptions } from './parsing/parse-document.js';
export { parseOffThread } from './parsing/parse-off-thread.js';
export { FileRefused, type FileRefusal } from './parsing/refusal.js';
