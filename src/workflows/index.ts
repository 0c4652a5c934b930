export { articleGenerationWorkflow, type ArticleTaskInput } from './article-generation.js';
export { progressQuery, PROGRESS_QUERY_NAME, type TaskProgress } from './progress.js';
