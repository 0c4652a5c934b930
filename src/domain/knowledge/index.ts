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
export { evaluateRetrieval, answers, quantile, type LabelledQuestion, type RankedChunk, type RetrievalEvaluation } from './evaluation.js';
export { searchKnowledge, FUSION_CANDIDATES } from './fused-search.js';
export { embedDocumentChunks } from './chunk-embeddings.js';
export { createEmbeddingsClient, EmbeddingsError, type EmbeddingsClient, type EmbeddingsSettings } from './embeddings-client.js';
export { reciprocalRankFusion, RRF_K } from './rank-fusion.js';
