'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file imports with require() */

// electron-builder's afterPack hook (configured in electron-builder.yml). electron-builder runs it
// after the app folder is complete and before code signing, so the signature covers the flipped
// fuses. CommonJS, because electron-builder loads hooks with require() on Node 20.

const fs = require('node:fs');
const path = require('node:path');
const { FUSES, fuseConfig } = require('./fuses.cjs');

// Byte values of a fuse in the binary, as @electron/fuses 1.x writes them.
const FUSE_DISABLED = 0x30;
const FUSE_ENABLED = 0x31;

/** Returns the Electron binary inside the packed app folder for the target platform. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'win32') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  }
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  return path.join(appOutDir, packager.executableName);
}

/** Returns the resources folder of the packed app. */
function resourcesDir(context) {
  if (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') {
    return path.join(electronBinary(context), 'Contents', 'Resources');
  }
  return path.join(context.appOutDir, 'resources');
}

/**
 * Checks the files that the service and the launchers start by path: the agent's entry, unpacked
 * beside app.asar, and on Windows the WinSW executable, which is not in the repository.
 */
function checkPackedFiles(context) {
  const resources = resourcesDir(context);
  const required = [path.join(resources, 'app.asar.unpacked', 'dist', 'src-agent', 'cli', 'main.js')];
  if (context.electronPlatformName === 'win32') {
    required.push(path.join(resources, 'winsw', 'winsw.exe'));
  }

  const missing = required.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The packed app is missing ${missing.join(', ')}. Run "npm run build" before packing; for Windows put WinSW 3 (x64) as packaging/winsw/winsw.exe.`,
    );
  }
}

/** Flips the fuses of FUSES and reads them back, so a binary whose fuse wire differs stops the build. */
async function applyFuses(binary, fusesModule) {
  await fusesModule.flipFuses(binary, fuseConfig(fusesModule));

  const wire = await fusesModule.getCurrentFuseWire(binary);
  const wrong = [];
  for (const [name, enabled] of Object.entries(FUSES)) {
    const actual = wire[fusesModule.FuseV1Options[name]];
    if (actual !== (enabled ? FUSE_ENABLED : FUSE_DISABLED)) {
      wrong.push(`${name} is ${actual === undefined ? 'missing' : `0x${actual.toString(16)}`}`);
    }
  }
  if (wrong.length > 0) {
    throw new Error(`The fuses of ${binary} do not match packaging/electron/fuses.cjs after flipping: ${wrong.join('; ')}`);
  }

  // A newer Electron may add fuses that this table does not name yet; they keep Electron's default.
  const unknown = Object.keys(wire).filter((key) => key !== 'version' && fusesModule.FuseV1Options[Number(key)] === undefined);
  if (unknown.length > 0) {
    console.warn(`after-pack: the Electron binary has fuses at positions ${unknown.join(', ')} that @electron/fuses does not name; they keep their defaults. Review them before the release.`);
  }
  return wire;
}

async function afterPack(context, fusesModule = require('@electron/fuses')) {
  checkPackedFiles(context);
  await applyFuses(electronBinary(context), fusesModule);
}

module.exports = { default: afterPack, afterPack, applyFuses, electronBinary, resourcesDir, FUSE_DISABLED, FUSE_ENABLED };
