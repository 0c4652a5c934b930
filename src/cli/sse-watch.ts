/**
 * `task watch`: follows a task's Server-Sent Events (replayed from the first event, then live) and draws
 * its progress: one updating line on a terminal, one line per event otherwise. A dropped connection is
 * resumed with Last-Event-ID, so no event is shown twice or missed.
 */
import { EXIT } from './errors.js';
import { ApiError, ConnectionError, type ApiClient } from './http-client.js';
import { SseParser, type SseMessage } from './sse.js';
import { displayWidth, formatClock, truncate } from './format.js';
import { terminalText } from './terminal-text.js';
import { isFinalEventType } from '../shared/events/index.js';
import { countersOf, NO_COUNTS, type TaskCounters } from './task-counters.js';

export const FINAL_STATUS_EXIT: Record<string, number> = {
  completed: EXIT.ok,
  failed: EXIT.taskFailed,
  canceled: EXIT.taskCanceled,
  timeout: EXIT.taskTimeout,
};


export interface WatchState extends TaskCounters {
  taskId: number;
  status: string;
  lastTitle: string | null;
  errorMessage: string | null;
  /** Id of the last event received: the Last-Event-ID of a reconnect. */
  lastEventId: number;
  lastEventType: string | null;
  events: number;
  reconnects: number;
  /** Articles being written (article.delta), by position: the attempt shown and its length so far. */
  writing?: Map<number, { attempt: number; length: number }>;
}

export interface WatchOptions {
  /** Where the progress goes (stdout for tables, stderr when stdout carries JSON or CSV). */
  out: NodeJS.WriteStream;
  /** Force the one-updating-line display on or off; default: when `out` is a terminal. */
  tty?: boolean;
  /** A connection silent for this long (the server pings every 15 s) is dropped and resumed. */
  idleMs?: number;
  /** Give up when no connection succeeded for this long. */
  reconnectForMs?: number;
}

export interface WatchResult {
  state: WatchState;
  exitCode: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function counts(s: WatchState): string {
  return `${s.generatedCount}/${s.requestedCount} generated, ${s.failedCount} failed, ${s.skippedCount} skipped`;
}

function bar(progress: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, progress)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

const clock = (iso: unknown) => formatClock(typeof iso === 'string' ? new Date(iso) : new Date());

/** Applies one event to the state; returns the plain line describing it. */
export function applyEvent(state: WatchState, message: SseMessage): string | null {
  let payload: { type?: string; data?: Record<string, unknown>; createdAt?: string } = {};
  try {
    payload = JSON.parse(message.data);
  } catch {
    return null;
  }
  const type = message.event;
  const d = payload.data ?? {};
  // Live events have no id and no counters: they never move the resume point.
  if (type === 'article.delta' || type === 'article.attempt_failed') return applyLiveEvent(state, type, d);
  const id = Number(message.id);
  if (Number.isSafeInteger(id) && id > 0) state.lastEventId = id;
  state.events++;
  state.lastEventType = type;
  Object.assign(state, countersOf(d, state));
  const at = clock(payload.createdAt);
  const position = typeof d.position === 'number' ? `#${d.position + 1}` : '';
  if (typeof d.position === 'number') state.writing?.delete(d.position);
  switch (type) {
    case 'task.started':
      state.status = 'running';
      return `${at} task ${state.taskId} started: ${state.requestedCount} article(s) requested`;
    case 'task.retried':
      state.status = 'pending';
      return `${at} task ${state.taskId} retried (retry ${String(d.retryCount ?? '?')}): ${Array.isArray(d.positions) ? d.positions.length : '?'} article(s) to write again`;
    case 'article.saved':
      state.lastTitle = typeof d.title === 'string' ? d.title : state.lastTitle;
      return `${at} article ${position} saved: "${state.lastTitle ?? ''}" (${counts(state)}, ${state.progress}%)`;
    case 'article.failed':
    case 'article.skipped':
      return `${at} article ${position} ${type === 'article.failed' ? 'failed' : 'skipped'}: ${String(d.error ?? 'no reason given')} (${counts(state)}, ${state.progress}%)`;
    case 'task.progress':
      return `${at} progress ${state.progress}%: ${counts(state)}`;
    default:
      if (isFinalEventType(type)) {
        state.writing?.clear();
        state.status = type.slice('task.'.length);
        state.errorMessage = typeof d.errorMessage === 'string' ? d.errorMessage : null;
        return `${at} task ${state.taskId} ${state.status}: ${counts(state)}`;
      }
      return `${at} ${type}`;
  }
}

/** An article's growing length (article.delta) or the end of an attempt that wrote some (article.attempt_failed). */
function applyLiveEvent(state: WatchState, type: 'article.delta' | 'article.attempt_failed', d: Record<string, unknown>): string | null {
  const { position, attempt } = d;
  if (typeof position !== 'number' || typeof attempt !== 'number') return null;
  const writing = (state.writing ??= new Map());
  const shown = writing.get(position);
  // A newer attempt replaces an older one; a late event of an older attempt is ignored.
  if (shown && attempt < shown.attempt) return null;
  if (type === 'article.attempt_failed') {
    writing.delete(position);
    return `article #${position + 1} attempt ${attempt} ${d.reason === 'refused' ? 'refused by the quality check' : 'failed'}: its text is dropped`;
  }
  const length = (typeof d.offset === 'number' ? d.offset : 0) + (typeof d.text === 'string' ? d.text.length : 0);
  writing.set(position, { attempt, length });
  return writingLine(position, attempt, length);
}

function writingLine(position: number, attempt: number, length: number): string {
  return `article #${position + 1} writing${attempt > 1 ? ` (attempt ${attempt})` : ''}: ${length.toLocaleString('en-US')} characters`;
}

/** One line per article being written, in position order, under the status line of the terminal display. */
export function writingLines(s: WatchState, columns: number): string[] {
  return [...(s.writing ?? new Map<number, { attempt: number; length: number }>())]
    .sort(([a], [b]) => a - b)
    .map(([position, w]) => truncate(`  ${writingLine(position, w.attempt, w.length)}`, columns));
}

/** The single updating line of the terminal display. */
export function statusLine(s: WatchState, columns: number): string {
  const head = `Task ${s.taskId} ${s.status} ${bar(s.progress)} ${String(s.progress).padStart(3)}%  ${counts(s)}`;
  if (!s.lastTitle) return truncate(head, columns);
  const room = columns - displayWidth(head) - 4;
  return room >= 8 ? `${head}  "${truncate(s.lastTitle, room)}"` : truncate(head, columns);
}

class Display {
  private drawn = false;
  /** Lines of the terminal display drawn last (the status line and the articles being written). */
  private lines = 0;
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty: boolean,
  ) {}

  private get columns() {
    return Math.max(40, (this.out.columns || 100) - 1);
  }

  event(state: WatchState, line: string | null) {
    if (this.tty) {
      this.redraw(state);
    } else if (line) {
      this.out.write(`${terminalText(line)}\n`);
    }
  }

  /** The status line and a line per article being written, drawn over what was drawn before. */
  private redraw(state: WatchState) {
    const lines = [statusLine(state, this.columns), ...writingLines(state, this.columns)];
    const up = this.lines > 1 ? `\x1b[${this.lines - 1}A` : '';
    this.out.write(`${up}\r\x1b[J${lines.map(terminalText).join('\n')}`);
    this.lines = lines.length;
    this.drawn = true;
  }

  /** A message of its own line (reconnects), keeping the progress lines below it on a terminal. */
  note(state: WatchState, text: string) {
    if (this.tty) {
      const up = this.lines > 1 ? `\x1b[${this.lines - 1}A` : '';
      this.out.write(`${up}\r\x1b[J${terminalText(text)}\n`);
      this.lines = 0;
      this.redraw(state);
    } else {
      this.out.write(`${terminalText(text)}\n`);
    }
  }

  end() {
    if (this.tty && this.drawn) this.out.write('\n');
    this.drawn = false;
    this.lines = 0;
  }
}

type TaskDetail = TaskCounters & { id: number; status: string; errorMessage: string | null };

/** Follows the task until its final event; the exit code says how it ended (0, 3, 4, 5). */
export async function watchTask(client: ApiClient, taskId: number, opts: WatchOptions): Promise<WatchResult> {
  const task = await client.get<TaskDetail>(`/api/article-generation/tasks/${taskId}`);
  const state: WatchState = {
    taskId,
    status: task.status,
    ...NO_COUNTS,
    requestedCount: task.requestedCount,
    lastTitle: null,
    errorMessage: null,
    lastEventId: 0,
    lastEventType: null,
    events: 0,
    reconnects: 0,
  };
  const display = new Display(opts.out, opts.tty ?? Boolean(opts.out.isTTY));
  const idleMs = opts.idleMs ?? 45_000;
  const reconnectForMs = opts.reconnectForMs ?? 120_000;
  const path = `/api/article-generation/tasks/${taskId}/events`;

  const onSigint = () => {
    display.end();
    process.stderr.write(`Stopped watching; task ${taskId} keeps running. Watch again with: artgen task watch ${taskId}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);

  let failingSince: number | null = null;
  let delay = 250;
  try {
    for (;;) {
      const problem = await streamOnce();
      if (problem === 'done') {
        // Confirm with the task itself (also after a 204): a retried task streams on.
        const t = await client.get<TaskDetail>(`/api/article-generation/tasks/${taskId}`);
        if (Object.hasOwn(FINAL_STATUS_EXIT, t.status)) {
          Object.assign(state, { status: t.status, ...countersOf(t, state), errorMessage: t.errorMessage });
          break;
        }
        state.status = t.status;
        await sleep(250);
        continue;
      }
      // The connection failed or ended before the final event: resume after the last event received.
      const now = Date.now();
      failingSince ??= now;
      if (now - failingSince > reconnectForMs) {
        display.end();
        throw new ConnectionError(
          `Lost the event stream of task ${taskId} at ${client.baseUrl} and could not resume it for ${Math.round(reconnectForMs / 1000)}s (${problem}). The task keeps running; watch again with: artgen task watch ${taskId}`,
          'stream',
        );
      }
      state.reconnects++;
      display.note(state, `connection lost (${problem}); reconnecting after event ${state.lastEventId}...`);
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  display.end();
  return { state, exitCode: FINAL_STATUS_EXIT[state.status] ?? EXIT.error };

  /** One connection: 'done' after the final event (or 204), else a description of what broke. */
  async function streamOnce(): Promise<'done' | string> {
    const abort = new AbortController();
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error('idle')), idleMs);
    };
    arm();
    let res: Response;
    try {
      res = await client.fetch(path, {
        headers: client.headers({
          accept: 'text/event-stream',
          ...(state.lastEventId > 0 ? { 'last-event-id': String(state.lastEventId) } : {}),
        }),
        signal: abort.signal,
      });
    } catch (err) {
      clearTimeout(idle);
      if (err instanceof ConnectionError) return err.reason;
      if (abort.signal.aborted) return `no answer within ${idleMs / 1000}s`;
      throw err;
    }
    try {
      if (res.status === 204) return 'done';
      if (res.status >= 400) {
        const error = await client.errorOf(res);
        if (res.status >= 500 || res.status === 429) return `HTTP ${res.status}: ${error.message}`;
        throw error;
      }
      if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream') || !res.body) {
        throw new ApiError(res.status, 'INVALID_RESPONSE', `Expected an event stream from ${path}, got ${res.headers.get('content-type') ?? 'no content type'}.`);
      }
      failingSince = null;
      delay = 250;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          arm();
          for (const message of parser.push(decoder.decode(value, { stream: true }))) {
            display.event(state, applyEvent(state, message));
          }
        }
      } catch (err) {
        if (abort.signal.aborted) return `no data for ${idleMs / 1000}s`;
        const code = (err as { cause?: { code?: string } }).cause?.code;
        return code ?? (err as Error).message;
      } finally {
        reader.releaseLock();
      }
      // The server ends the stream right after the final event that is the task's newest.
      return isFinalEventType(state.lastEventType ?? '') ? 'done' : 'the stream ended before the final event';
    } finally {
      clearTimeout(idle);
      abort.abort();
    }
  }
}

/** The closing sentence of a watch. */
export function summary(state: WatchState): string {
  const base = `Task ${state.taskId} ${state.status}: ${state.generatedCount} of ${state.requestedCount} generated, ${state.failedCount} failed, ${state.skippedCount} skipped.`;
  return state.errorMessage ? `${base}\n${terminalText(state.errorMessage)}` : base;
}
