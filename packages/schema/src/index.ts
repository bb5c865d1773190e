export type * from './events';
export type * from './read';
export { SESSION_ENDED, SESSION_STARTED } from './events';
export * from './limits';
export { isIsoDate, isPlainObject, jsonBytes, validateBatchContext, validateEvent, type ValidationResult } from './validate';
