import type { Logger } from '../logger';
import { DEAD_LETTER_DAYS, type DeadLetterRepository } from '../storage/deadLetterRepository';

const DAY_MS = 86_400_000;
// Entries past 30 days are already hidden from reads; removing them hourly only frees their space.
const EVERY_MS = 3_600_000;

/** Removes dead-letter entries older than 30 days, hourly; returns the stop function. Several collectors may run it at once. */
export function expireDeadLetters(deadLetters: DeadLetterRepository, now: () => Date, log: Logger): () => void {
  const run = () => {
    deadLetters.expire(new Date(now().getTime() - DEAD_LETTER_DAYS * DAY_MS)).then(
      (removed) => { if (removed > 0) log('info', 'expired dead-letter entries', { removed }); },
      (err) => log('warn', 'could not expire dead-letter entries', { error: String(err) }),
    );
  };
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
