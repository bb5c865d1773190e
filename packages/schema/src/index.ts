export type * from './events';
export type * from './read';
export { SESSION_ENDED, SESSION_STARTED } from './events';
export * from './limits';
export { exceedsDepth, maxJsonDepth } from './jsonDepth';
export {
  isIsoDate, isPlainObject, isStorableTime, jsonBytes, validateBatchContext, validateEvent, type ValidateOptions, type ValidationResult,
} from './validate';
