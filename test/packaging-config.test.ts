import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build as viteBuild } from 'vite';
import { buildElectron } from '../scripts/build-electron.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

// Checks electron-builder.yml without building an installer: electron-builder cannot download
// Electron, NSIS or fpm here, so the checks read the config, the schema and node_modules.

const run = promisify(execFile);

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  afterPack: string;
  win: { extraResources: FileSet[]; signtoolOptions: { signingHashAlgorithms: string[]; rfc3161TimeStampServer: string }; executableName: string };
  nsis: { perMachine: boolean; oneClick: boolean; installerLanguages: string[]; include: string };
  linux: { extraResources: FileSet[]; executableName: string };
  deb: { depends: string[]; afterInstall: string; afterRemove: string; fpm: string[] };
}

const CONFIG_FILE = path.join(REPOSITORY_ROOT, 'electron-builder.yml');

async function loadConfig(): Promise<BuilderConfig> {
  return parse(await readFile(CONFIG_FILE, 'utf8')) as BuilderConfig;
}

/**
 * electron-builder matches file patterns against paths relative to the app folder, with forward
 * slashes, through minimatch (the same major version as app-builder-lib 26 uses).
 */
function matchesAny(relative: string, patterns: readonly string[]): boolean {
  const included = patterns.filter((pattern) => !pattern.startsWith('!')).some((pattern) => minimatch(relative, pattern, { dot: true }));
  const excluded = patterns.filter((pattern) => pattern.startsWith('!')).some((pattern) => minimatch(relative, pattern.slice(1), { dot: true }));
  return included && !excluded;
}

function relativeToRepository(file: string): string {
  return path.relative(REPOSITORY_ROOT, file).split(path.sep).join('/');
}

async function filesBelow(dir: string, base = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesBelow(full, base)));
    else found.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return found;
}

/**
 * Returns the folders of every production dependency, direct or transitive, as npm installed
 * them: the packages electron-builder copies into the app.
 */
async function productionPackages(): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPOSITORY_ROOT, maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && path.resolve(line) !== REPOSITORY_ROOT);
}

/** Returns the files of one package that mark a native module, without descending into its own node_modules. */
async function nativeFilesOf(packageDir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') await visit(full);
      else if (entry.isFile() && (entry.name.endsWith('.node') || entry.name === 'binding.gyp')) found.push(full);
    }
  };
  await visit(packageDir);
  return found;
}

describe('electron-builder.yml', () => {
  it('matches the schema of electron-builder', async () => {
    const schema = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);

    const valid = validate(await loadConfig());

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('names the product and the installer options', async () => {
    const config = await loadConfig();
    expect(config.productName).toBe('M365 Mail Archiver');
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    expect(config.nsis.perMachine).toBe(true);
    expect(config.nsis.oneClick).toBe(false);
    expect(config.nsis.installerLanguages).toEqual(['de_DE', 'en_US']);
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.win.signtoolOptions.signingHashAlgorithms).toEqual(['sha256']);
    expect(config.win.signtoolOptions.rfc3161TimeStampServer).toMatch(/^https?:\/\//);
  });

  it('keeps signing secrets out of the file', async () => {
    const text = await readFile(CONFIG_FILE, 'utf8');
    // Certificates and passwords come from CSC_LINK / CSC_KEY_PASSWORD in the environment.
    for (const key of ['cscLink', 'cscKeyPassword', 'certificatePassword', 'certificateFile', 'certificateSha1']) {
      expect(text).not.toMatch(new RegExp(`^\\s*${key}\\s*:`, 'm'));
    }
  });

  it('names files that exist in the repository', async () => {
    const config = await loadConfig();
    const referenced = [
      config.afterPack,
      config.nsis.include,
      config.deb.afterInstall,
      config.deb.afterRemove,
      ...config.deb.fpm.filter((argument) => argument.startsWith('--before-remove=')).map((argument) => argument.split('=')[1]!),
      ...config.win.extraResources.map((set) => set.from),
      ...config.linux.extraResources.map((set) => set.from),
    ];

    for (const file of referenced) {
      expect(existsSync(path.join(REPOSITORY_ROOT, file)), file).toBe(true);
    }
    expect(config.deb.fpm).toContain('--before-remove=packaging/deb/prerm');
  });

  it('places the launchers where they find the app', async () => {
    const config = await loadConfig();
    // The launchers locate the binary and app.asar from resources/bin (packaging/launchers).
    expect(config.win.extraResources).toContainEqual({ from: 'packaging/launchers/m365-archiver.cmd', to: 'bin/m365-archiver.cmd' });
    expect(config.linux.extraResources).toContainEqual({ from: 'packaging/launchers/m365-archiver', to: 'bin/m365-archiver' });
    // The service and the launchers name these binaries (packaging/systemd, packaging/winsw).
    expect(config.linux.executableName).toBe('m365-mail-archiver');
    expect(config.win.executableName).toBe('M365 Mail Archiver');
    // "service install" on Windows looks for resources\winsw\winsw.exe beside the app.
    const winsw = config.win.extraResources.find((set) => set.to === 'winsw');
    expect(winsw?.filter).toContain('winsw.exe');
    // The packaged XML would overwrite the one "service install" wrote on every upgrade.
    expect(winsw?.filter).not.toContain('m365-mail-archiver.xml');
  });

  it('unpacks every native production dependency', async () => {
    const config = await loadConfig();
    const native: { packageRoot: string; file: string }[] = [];
    for (const packageDir of await productionPackages()) {
      for (const file of await nativeFilesOf(packageDir)) {
        native.push({ packageRoot: relativeToRepository(packageDir), file: relativeToRepository(file) });
      }
    }

    // better-sqlite3 and @github/keytar today; a new native dependency must not need an edit here.
    expect(native.length).toBeGreaterThan(0);
    for (const { packageRoot, file } of native) {
      expect(matchesAny(file, config.asarUnpack), `${file} must be unpacked`).toBe(true);
      // The whole package, because a binding loader may read other files beside the binary.
      expect(matchesAny(`${packageRoot}/package.json`, config.asarUnpack), `${packageRoot} must be unpacked as a whole`).toBe(true);
    }
  });

  it('unpacks the agent the launchers run', async () => {
    const config = await loadConfig();
    expect(matchesAny('dist/src-agent/cli/main.js', config.asarUnpack)).toBe(true);
    expect(matchesAny('dist/src-agent/cli/main.js', config.files)).toBe(true);
  });

  it('packs no React or Fluent UI module', async () => {
    const manifest = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // electron-builder copies "dependencies" only; Vite bundles the UI libraries into dist-renderer.
    for (const name of Object.keys(manifest.dependencies)) {
      expect(name, 'UI libraries belong in devDependencies').not.toMatch(/^(react|react-dom|@fluentui\/.*)$/);
    }
  });
});

describe('check of the build outputs', () => {
  const { missingInputs } = createRequire(import.meta.url)('../packaging/electron/check-inputs.cjs') as { missingInputs: (root: string) => string[] };

  it('names each missing build output', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'packaging-inputs-'));
    try {
      await copyFile(path.join(REPOSITORY_ROOT, 'package.json'), path.join(root, 'package.json'));
      expect(missingInputs(root)).toEqual(['dist/src-agent/cli/main.js', 'dist-electron/main.cjs', 'dist-electron/preload.cjs', 'dist-renderer/index.html']);

      for (const file of ['dist/src-agent/cli/main.js', 'dist-electron/main.cjs', 'dist-electron/preload.cjs', 'dist-renderer/index.html']) {
        await mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await writeFile(path.join(root, file), '');
      }
      expect(missingInputs(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('packed files after the build', () => {
  let buildDir: string;

  beforeAll(async () => {
    // The agent is compiled into a temporary folder, so this test never races with other tests
    // that read dist/.
    buildDir = await mkdtemp(path.join(os.tmpdir(), 'packaging-build-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', path.join(buildDir, 'dist')], { cwd: REPOSITORY_ROOT });
  }, 120_000);

  afterAll(async () => {
    await rm(buildDir, { recursive: true, force: true });
  });

  it('packs the compiled agent and its entry', async () => {
    const config = await loadConfig();
    const built = await filesBelow(buildDir);
    const packed = built.filter((file) => matchesAny(file, config.files));

    expect(packed).toContain('dist/src-agent/cli/main.js');
    expect(packed.some((file) => file.endsWith('.map'))).toBe(false);
    // Every compiled module of the agent is packed, because main.js imports them at start.
    const compiled = built.filter((file) => file.startsWith('dist/src-agent/') && file.endsWith('.js'));
    expect(packed.filter((file) => file.endsWith('.js')).sort()).toEqual(compiled.sort());
  });

  it('packs Electron main, the preload and the renderer build', async () => {
    const config = await loadConfig();
    await buildElectron(path.join(buildDir, 'dist-electron'));
    await viteBuild({
      configFile: path.join(REPOSITORY_ROOT, 'src-renderer/vite.config.ts'),
      logLevel: 'error',
      build: { outDir: path.join(buildDir, 'dist-renderer'), emptyOutDir: true },
    });
    const built = await filesBelow(buildDir);

    const packageJson = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(built, `package.json main ${packageJson.main}`).toContain(packageJson.main);
    expect(matchesAny(packageJson.main, config.files)).toBe(true);
    expect(built).toContain('dist-electron/preload.cjs');
    expect(matchesAny('dist-electron/preload.cjs', config.files)).toBe(true);
    const rendererFiles = built.filter((file) => file.startsWith('dist-renderer/'));
    expect(rendererFiles).toContain('dist-renderer/index.html');
    expect(rendererFiles.filter((file) => !matchesAny(file, config.files))).toEqual([]);
  });
});
