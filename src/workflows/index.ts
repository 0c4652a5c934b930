export { articleGenerationWorkflow, type ArticleTaskInput } from './article-generation.js';
