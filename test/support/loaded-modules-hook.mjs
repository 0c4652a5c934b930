// A module resolve hook: appends every OpenTelemetry module a process resolves to LOADED_MODULES_FILE, so a
// test can tell whether a process loaded the OpenTelemetry SDK.
import { appendFileSync } from 'node:fs';

const file = process.env.LOADED_MODULES_FILE;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (file && /\/node_modules\/@(opentelemetry|temporalio\/interceptors-opentelemetry)\//.test(resolved.url)) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
