import { Worker } from 'node:worker_threads';
import type { ParsedDocument, ParseOptions } from './parse-document.js';
import { FileRefused, type FileRefusal } from './refusal.js';

/** Parses at once per process: each holds a file and its text in memory. */
const MAX_PARALLEL = 2;
/** A file that takes longer is refused rather than holding a parser. */
const PARSE_TIMEOUT_MS = 120_000;
/** Heap of one parse worker: a pathological file fails its parse, not the API process. */
const WORKER_HEAP_MB = 1024;

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * A lower CPU priority (nice 10: about a tenth of the API thread's share, not nice 19, which a busy machine could starve past the parse timeout) for the worker's own thread (Linux: a thread's id is a valid target of setpriority,
 * read from /proc/thread-self; elsewhere a no-op): on a machine with fewer free cores than runnable
 * threads, the parse would otherwise take the API thread's turns, which shows as the API's event loop
 * stalling for 100+ ms although nothing on it is busy (docs/benchmarks.md). A worker is used for one parse.
 */
const LOWER_PRIORITY = `try { require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), 10); } catch {}`;

/** Under tsx (dev, tests) the worker registers tsx's loader before importing its .ts entry; built code imports the .js. */
function workerSource(): string {
  const here = import.meta.url;
  const entry = new URL(here.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', here).href;
  return `${LOWER_PRIORITY}\n${
    here.endsWith('.ts')
      ? `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`
      : `import(${JSON.stringify(entry)})`
  }`;
}

type WorkerReply = { ok: true; document: ParsedDocument } | { ok: false; refusal: FileRefusal };

/**
 * Parses an uploaded file in a worker thread: PDF layout, DOCX inflation and chunking take from
 * milliseconds to seconds of CPU, which on the API's thread would stall every other request. The bytes
 * are moved to the worker, not copied. A refusal comes back as FileRefused.
 */
export function parseOffThread(bytes: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  return slot(
    () =>
      new Promise<ParsedDocument>((resolve, reject) => {
        const copy = new Uint8Array(bytes);
        const worker = new Worker(workerSource(), {
          eval: true,
          workerData: { bytes: copy, options },
          transferList: [copy.buffer as ArrayBuffer],
          resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        });
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          fn();
          void worker.terminate();
        };
        const timer = setTimeout(
          () => settle(() => reject(new FileRefused({ status: 400, code: 'FILE_TOO_COMPLEX', message: `The file took longer than ${PARSE_TIMEOUT_MS / 1000} s to parse.` }))),
          PARSE_TIMEOUT_MS,
        );
        worker.once('message', (reply: WorkerReply) =>
          settle(() => (reply.ok ? resolve(reply.document) : reject(new FileRefused(reply.refusal)))),
        );
        worker.once('error', (err) =>
          settle(() =>
            (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? reject(new FileRefused({ status: 400, code: 'FILE_TOO_COMPLEX', message: 'The file needs more memory to parse than a parser may use.' }))
              : reject(err),
          ),
        );
        worker.once('exit', (code) => settle(() => reject(new Error(`the parse worker exited with code ${code} before answering`))));
      }),
  );
}
