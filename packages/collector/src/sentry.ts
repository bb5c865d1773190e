/**
 * Server errors go to Sentry only when SENTRY_DSN is set; otherwise the SDK is not even loaded
 * and nothing leaves the machine.
 */
export interface ErrorReporter {
  report: ((err: unknown) => void) | undefined;
  /** Sends what is pending and stops (shutdown). */
  flush(): Promise<void>;
}

export async function sentryReporter(dsn: string | undefined): Promise<ErrorReporter> {
  if (!dsn) return { report: undefined, flush: async () => {} };
  const Sentry = await import('@sentry/node');
  Sentry.init({ dsn, tracesSampleRate: 0 });
  return {
    report: (err) => void Sentry.captureException(err),
    flush: async () => void (await Sentry.close(2000)),
  };
}
