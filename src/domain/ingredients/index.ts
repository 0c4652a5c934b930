/** Article ingredients a task may reference (settings, knowledge bases, albums, conversion targets) and what generateArticle reads of them. */
export * from './article-ingredients.js';
export * from './resources.js';
export * from './edits.js';
