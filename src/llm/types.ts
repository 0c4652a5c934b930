export interface PromptIngredients {
  keyword: string;
  topics: string[];
  articleSetting?: { name: string; prompt: string } | null;
  knowledgeBase?: { name: string; documents: { title: string; content: string }[] } | null;
  conversionTarget?: {
    companyName: string;
    industry?: string | null;
    website?: string | null;
    address?: string | null;
  } | null;
  image?: { url: string; description?: string | null } | null;
  /** Why the previous draft was refused by the quality gate: the new draft must fix these. */
  feedback?: string[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  signal?: AbortSignal;
  /**
   * Names the draft (task, position, rewrite): the offline generator varies its text by it as a model
   * varies with sampling, deterministically. Providers are not sent it.
   */
  seed?: string;
  /**
   * Called with each new piece of the answer as it arrives, in order (a streaming model; the offline
   * generator in a few pieces at once). The pieces concatenated are the answer's content. Synchronous and
   * cheap: it must not throw or wait, the request does not wait for it.
   */
  onDelta?: (text: string) => void;
}

export interface CompletionResult {
  content: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export interface LlmClient {
  readonly provider: string;
  readonly model: string;
  complete(req: CompletionRequest): Promise<CompletionResult>;
}
