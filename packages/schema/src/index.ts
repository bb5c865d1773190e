export type * from './events';
export type * from './read';
export { SESSION_ENDED, SESSION_STARTED } from './events';
export * from './limits';
export { isPlainObject, jsonBytes, validateEvent, type ValidationResult } from './validate';
