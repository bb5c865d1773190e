import {
  MAX_EVENT_BYTES, MAX_STORED_BYTES_PER_REQUEST, isPlainObject, isStorableTime, validateEvent,
  type EventError, type EventType,
} from '@headcount/schema';
import { normalizeEvent, type NormalizedEvent, type RequestFacts } from './normalizeEvent';

/** One event of a request that cannot be accepted, and why. */
export interface Rejection {
  /** Its position in the request. */
  index: number;
  messageId: string | null;
  error: EventError;
}

/** A request's events sorted into what can be stored and what cannot. */
export interface Intake {
  valid: NormalizedEvent[];
  /** Position of each valid event in the request, to report a later refusal by index. */
  indexOf: Map<NormalizedEvent, number>;
  rejected: Rejection[];
}

export interface IntakeOptions {
  /** An endpoint named for one type (`/v1/track`) takes only events of that type. */
  only?: EventType | undefined;
  /** The whole body's nesting was measured and no event can be too deep (see maxJsonDepth). */
  depthChecked?: boolean;
}

/** The id a rejected item was sent with, as the client knows it. */
export function sentMessageIdOf(item: unknown): string | null {
  if (!isPlainObject(item)) return null;
  const id = item.messageId;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : null;
}

/**
 * Validates and normalizes one request's events, each on its own: an invalid event is rejected
 * with its reason and never affects its neighbours. What passes can be stored.
 */
export function intakeEvents(items: readonly unknown[], facts: RequestFacts, options: IntakeOptions = {}): Intake {
  const intake: Intake = { valid: [], indexOf: new Map(), rejected: [] };
  const reject = (index: number, item: unknown, error: EventError) => {
    intake.rejected.push({ index, messageId: sentMessageIdOf(item), error });
  };
  let storedBytes = 0;
  items.forEach((item, index) => {
    // The size is checked below on what is stored, which costs nothing extra.
    const result = validateEvent(item, { size: 0, depthChecked: options.depthChecked ?? false });
    if (!result.ok) return reject(index, item, result.error);
    if (options.only && result.event.type !== options.only) {
      return reject(index, item, { code: 'invalid_type', message: `this endpoint takes ${options.only} events` });
    }
    const event = normalizeEvent(result.event, facts);
    if (!isStorableTime(event.timestamp.getTime())) {
      return reject(index, item, {
        code: 'invalid_field',
        message: 'the clock-corrected time (receivedAt - (sentAt - timestamp)) falls outside the years 0001 to 9999; check sentAt',
      });
    }
    const bytes = event.bytes;
    if (bytes > MAX_EVENT_BYTES) {
      return reject(index, item, { code: 'event_too_large', message: `event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}` });
    }
    if (!event.storable) {
      return reject(index, item, { code: 'invalid_field', message: 'strings must not contain NUL characters or unpaired UTF-16 surrogates' });
    }
    if (storedBytes + bytes > MAX_STORED_BYTES_PER_REQUEST) {
      return reject(index, item, {
        code: 'request_too_large',
        message: `with the batch context merged in, this request's events pass ${MAX_STORED_BYTES_PER_REQUEST} bytes; send smaller batches`,
      });
    }
    storedBytes += bytes;
    intake.valid.push(event);
    intake.indexOf.set(event, index);
  });
  return intake;
}
