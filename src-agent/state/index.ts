export { openStateDb, StateDb, type StateDbOptions } from './db.js';
export { Ledger, type LedgerCounts, type LedgerRow, type LedgerState, type StageInput } from './ledger.js';
export { DeltaLinkStore } from './delta-links.js';
export { RunStore, INTERRUPTED_RUN_MESSAGE, type MailboxError, type RunRecord, type RunSummary } from './runs.js';
export { ItemErrorStore, type ItemErrorRow } from './item-errors.js';
export { applyMigrations, MIGRATIONS, type Migration } from './migrations.js';
export type { Clock } from './guard.js';
