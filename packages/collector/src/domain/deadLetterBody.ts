import { MAX_EVENT_DEPTH, maxJsonDepth } from '@headcount/schema';

/**
 * A kept body as the read API shows it: the JSON value itself when it is JSON of a depth any reader
 * can handle, else the text as it was received.
 */
export function deadLetterBody(text: string): unknown {
  if (maxJsonDepth(text) > MAX_EVENT_DEPTH + 2) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
