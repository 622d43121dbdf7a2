export { ERROR_CODES, isErrorCode, type ErrorCode } from './codes.js';
export { CATALOG, type CatalogEntry, type CatalogText, type Language } from './catalog.js';
export {
  ArchiverError,
  fillPlaceholders,
  localizeError,
  toArchiverError,
  type ArchiverErrorOptions,
  type ErrorDetails,
} from './archiver-error.js';
export { detectLanguage } from './language.js';
