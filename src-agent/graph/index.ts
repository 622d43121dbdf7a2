export { GraphClient, type GraphClientOptions, type GraphStats, type PatchOptions, type PostOptions, type RequestOptions } from './client.js';
export {
  deltaMessages,
  downloadMime,
  getFolderPath,
  getMailFolder,
  getMessage,
  listChildFolders,
  listFolderTree,
  listUsers,
  resolveMailbox,
  setMessageCategories,
} from './mail.js';
export { mapGraphError, parseGraphErrorBody, type GraphErrorBody, type GraphFailure } from './graph-errors.js';
export { backoffDelay, isTransientServerError, parseRetryAfter } from './retry-policy.js';
export * from './types.js';
