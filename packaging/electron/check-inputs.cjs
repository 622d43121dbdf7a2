'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file imports with require() */

// Checks before electron-builder runs ("npm run dist:win", "npm run dist:linux") that the three
// builds it packs exist: the agent (npm run build), Electron main and preload (dist-electron/)
// and the renderer (dist-renderer/). electron-builder itself packs whatever matches its file
// patterns and would produce an installer without a window just as readily.

const fs = require('node:fs');
const path = require('node:path');

/** Returns the build outputs that are missing below `root`, as paths relative to it. */
function missingInputs(root) {
  // Electron starts package.json's "main", which `npm run build:electron` writes.
  const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const required = ['dist/src-agent/cli/main.js', packageJson.main, 'dist-electron/preload.cjs', 'dist-renderer/index.html'];
  return required.filter((file) => !fs.existsSync(path.join(root, file)));
}

if (require.main === module) {
  const missing = missingInputs(path.resolve(__dirname, '..', '..'));
  if (missing.length > 0) {
    console.error(
      `Cannot build the installers: ${missing.join(', ')} missing. Run npm run build (the agent), ` +
        'npm run build:electron (main and preload) and npm run build:renderer first.',
    );
    process.exit(1);
  }
}

module.exports = { missingInputs };
