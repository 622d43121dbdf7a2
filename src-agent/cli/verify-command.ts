import { verifyArchive } from '../archive/verify.js';
import { localizeError } from '../errors/index.js';
import { EXIT, withConfigLanguage, type CommandContext } from './context.js';
import { openLocalFiles } from './local.js';
import { fill } from './output.js';

const VERIFY_TEXT = {
  en: {
    ok: 'Verified {files} archived messages (.eml and .json) and every journal: no difference.',
    taken: 'Messages taken by the importer (import folder): {count}',
    problems: 'Differences found: {count}',
  },
  de: {
    ok: '{files} archivierte Nachrichten (.eml und .json) und alle Journale geprüft: keine Abweichung.',
    taken: 'Vom Importdienst übernommene Nachrichten (Importordner): {count}',
    problems: 'Gefundene Abweichungen: {count}',
  },
} as const;

/** `verify`: re-hash every archived file and check journals against the ledger; exit 1 on any difference. */
export async function verifyCommand(commandContext: CommandContext): Promise<number> {
  const files = await openLocalFiles(commandContext);
  const context = withConfigLanguage(commandContext, files.config.language);
  try {
    const report = await verifyArchive({
      state: files.state,
      dataDir: files.paths.dataDir,
      targetDir: files.config.target.folder,
      importFolder: files.config.target.importFolder,
    });
    const failed = report.problems.length > 0;

    if (context.json) {
      process.stdout.write(`${JSON.stringify({ ok: !failed, report })}\n`);
      return failed ? EXIT.problems : EXIT.ok;
    }

    const text = VERIFY_TEXT[context.language];
    const lines: string[] = [];
    if (!failed) {
      lines.push(fill(text.ok, { files: report.checkedFiles }));
    } else {
      lines.push(fill(text.problems, { count: report.problems.length }));
      for (const problem of report.problems) {
        const localized = localizeError(problem.code, { ...problem.details, path: problem.path ?? problem.details.path }, context.language);
        lines.push(`  [${problem.code}] ${localized.message}\n    ${localized.remedy}`);
      }
    }
    if (report.takenByImporter > 0) {
      lines.push(fill(text.taken, { count: report.takenByImporter }));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return failed ? EXIT.problems : EXIT.ok;
  } finally {
    files.state.close();
  }
}
