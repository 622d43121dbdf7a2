export {
  archiveBaseName,
  checkPathLength,
  identityHash,
  isPortableFileName,
  sanitizeNamePart,
  MAX_BASE_NAME_BYTES,
  MAX_BASE_NAME_LENGTH,
  MAX_PATH_LENGTH,
  type BaseNameInput,
} from './names.js';
export {
  buildSidecar,
  parseSidecar,
  serializeSidecar,
  type Sidecar,
  type SidecarAddress,
  type SidecarInput,
  type SidecarMessageInput,
} from './sidecar.js';
export { ArchiveWriter, type ArchiveWriterOptions, type StagedFile } from './writer.js';
export { Journal, journalPath, listJournals, type JournalAppendInput } from './journal.js';
export { checkJournalChain, readJournalFile, GENESIS_HASH, type JournalEntry, type JournalProblem } from './journal-file.js';
export { verifyArchive, type VerifyOptions, type VerifyProblem, type VerifyReport } from './verify.js';
export { hashFile } from './file-hash.js';
