/** The simulator's content sources: a tree of .eml files, the demo tenant and the benchmark tenant. */
export { loadEmlTree, NO_MAILBOX_MARKER } from './eml-tree.js';
export { buildDemoTenant, DEMO_PICKUP, type DemoPickup } from './demo-tenant.js';
export { buildBenchTenant, BENCH_MAILBOX, BENCH_PICKUP, type BenchTenantOptions } from './bench-tenant.js';
export { buildFolderTreeTenant, FOLDER_TREE_MAILBOX, type FolderTreeOptions } from './folder-tree-tenant.js';
export { decodeFolderDirName, encodeFolderDirName, findFolder, folderPathOf, listFolders, wellKnownNameFor } from './folder-names.js';
export { deterministicGuid, displayNameFromAddress, tenantIdFor, userIdFor } from './ids.js';
export { buildMessage, type MessageSpec, type MimeNode } from './mime-builder.js';
export type * from './types.js';
