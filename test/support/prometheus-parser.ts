import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './service-process.js';

const run = promisify(execFile);

/** The parser Prometheus's own Python client ships, pinned; installed from PyPI into .tools on first use. */
const PROMETHEUS_CLIENT = 'prometheus-client==0.21.1';
const VENV = path.join(ROOT, '.tools', 'prometheus-parser');
const PYTHON = path.join(VENV, 'bin', 'python');

/** Reads Prometheus text on stdin with prometheus_client's parser (which raises on anything malformed) and prints it as JSON. */
const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = []
for f in text_string_to_metric_families(sys.stdin.read()):
    families.append({"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
print(json.dumps(families))
`;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** As the parser names it: a counter's family without `_total`. */
  name: string;
  type: string;
  samples: Sample[];
}

/**
 * A venv with prometheus_client under .tools, made once per machine (a fresh CI clone where only `npm
 * install` ran included): built in a folder of its own, then renamed into place, so test files racing
 * for it never use a half-made one.
 */
async function ensureParser(): Promise<string> {
  if (existsSync(PYTHON)) return PYTHON;
  await mkdir(path.dirname(VENV), { recursive: true });
  const building = `${VENV}.${process.pid}-${Date.now()}`;
  try {
    await run('python3', ['-m', 'venv', building], { timeout: 120_000 });
    await run(path.join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', PROMETHEUS_CLIENT], { timeout: 300_000 });
    await rename(building, VENV).catch((err: NodeJS.ErrnoException) => {
      if (!existsSync(PYTHON)) throw err;
    });
  } catch (err) {
    throw new Error(`could not set up ${PROMETHEUS_CLIENT} in ${VENV} (needs python3 with venv and pip, and PyPI): ${(err as Error).message}`);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return PYTHON;
}

/** Parses Prometheus text format with the real parser; throws with the parser's error when the text is malformed. */
export async function parsePrometheusText(text: string): Promise<MetricFamily[]> {
  const python = await ensureParser();
  const child = execFile(python, ['-c', PARSE], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`prometheus_client could not parse the scrape (exit ${code}):\n${err}`))));
  });
  child.stdin!.end(text);
  return JSON.parse(await output) as MetricFamily[];
}

/** Every sample of one name whose labels include `labels`. */
export function samplesOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}): Sample[] {
  return families.flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of those samples' values (0 when there is none). */
export function sumOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  return samplesOf(families, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/**
 * Every name a PromQL expression may select in this scrape: the sample names, and each family's name with
 * the suffixes its type gives its series (a counter's `_total`, a histogram's `_bucket`, `_sum`, `_count`).
 */
export function selectableNames(families: MetricFamily[]): Set<string> {
  const names = new Set<string>();
  for (const f of families) {
    names.add(f.name);
    for (const s of f.samples) names.add(s.name);
    if (f.type === 'counter') names.add(`${f.name}_total`);
    if (f.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${f.name}${suffix}`);
  }
  return names;
}
