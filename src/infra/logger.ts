/** Minimal logger accepted by the infra helpers; pino and console both satisfy it. */
export interface InfraLogger {
  info(msg: string): void;
  warn(msg: string): void;
}
