'use strict';

/**
 * Electron fuses of the packaged app: features compiled into the Electron binary that the build
 * switches on or off for good (https://www.electronjs.org/docs/latest/tutorial/fuses). Keys are
 * the names of @electron/fuses' FuseV1Options. after-pack.cjs flips them before signing, so the
 * signature covers the result. test/packaging-fuses.test.ts checks this table.
 */
const FUSES = Object.freeze({
  // The service, the console launchers and the app's supervisor run the agent on this binary
  // with ELECTRON_RUN_AS_NODE=1, so the server needs no separate Node install.
  RunAsNode: true,
  // The app shows only its own pages and stores no cookies. Encryption (DPAPI on Windows, the
  // Secret Service on Linux) costs nothing and protects any cookie a future page might set.
  EnableCookieEncryption: true,
  // NODE_OPTIONS (and NODE_EXTRA_CA_CERTS) would let anyone who can set an environment variable
  // for the service inject code. The agent takes extra CA certificates from its config instead.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and its relatives would open a debugger port into the agent or the app.
  EnableNodeCliInspectArguments: false,
  // Electron checks app.asar against the hash that electron-builder embeds in the executable.
  // NOTE: Electron implements this check on macOS and Windows only, so on Linux the fuse has no effect.
  EnableEmbeddedAsarIntegrityValidation: true,
  // The app starts only from resources/app.asar, never from a resources/app folder that someone
  // put beside it.
  OnlyLoadAppFromAsar: true,
  // No separate V8 snapshot for the browser process is shipped.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer loads through the app's own protocol, not file://, so file:// pages need no
  // extra privileges.
  GrantFileProtocolExtraPrivileges: false,
});

/**
 * Builds the configuration for @electron/fuses' flipFuses from the table: FuseV1Options maps each
 * name to its position in the fuse wire.
 */
function fuseConfig(fusesModule) {
  const config = { version: fusesModule.FuseVersion.V1 };
  for (const [name, enabled] of Object.entries(FUSES)) {
    const position = fusesModule.FuseV1Options[name];
    if (typeof position !== 'number') {
      throw new Error(`@electron/fuses does not know the fuse "${name}"; update the table in packaging/electron/fuses.cjs`);
    }
    config[position] = enabled;
  }
  return config;
}

module.exports = { FUSES, fuseConfig };
