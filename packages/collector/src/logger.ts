export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type Logger = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => void;

/** One JSON line per entry on stderr, at `level` and above. */
export function createLogger(level: LogLevel = 'info'): Logger {
  const min = RANK[level] ?? RANK.info;
  return (entryLevel, message, fields) => {
    if (RANK[entryLevel] < min) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: entryLevel, message, ...fields })}\n`);
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}
