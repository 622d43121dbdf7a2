import { makeStyles, Select, Spinner, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { archiver, unwrap, type Problem } from './archiver.js';
import { ProblemMessage } from './components/ProblemMessage.js';
import { toProblem } from './components/useCall.js';
import { Dashboard } from './dashboard/Dashboard.js';
import { LanguageProvider, languageValue } from './i18n/language.js';
import { TEXTS, type Language } from './i18n/texts.js';
import { draftFromSettings, emptyDraft, type WizardDraft } from './wizard/draft.js';
import { expiryReadByAgent } from './wizard/secret-expiry.js';
import { Wizard } from './wizard/Wizard.js';

type View = { kind: 'loading' } | { kind: 'wizard'; draft: WizardDraft; canCancel: boolean } | { kind: 'dashboard' };

const useStyles = makeStyles({
  page: { maxWidth: '1100px', margin: '0 auto', padding: tokens.spacingHorizontalXXL },
  header: { display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: tokens.spacingHorizontalL, marginBottom: tokens.spacingVerticalXL },
  title: { margin: 0, fontSize: tokens.fontSizeBase600 },
  language: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** Loads the language and the settings, then shows the wizard (not set up yet) or the dashboard. */
export function App() {
  const styles = useStyles();
  const [language, setLanguageState] = useState<Language>(navigatorLanguage());
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [problem, setProblem] = useState<Problem | undefined>();
  // Node's name of the platform main runs on, which decides the kind of service the agent may run as. It is empty until getAppInfo returns.
  const [platform, setPlatform] = useState('');
  const texts = TEXTS[language];

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = texts.appTitle;
  }, [language, texts]);

  useEffect(() => {
    const api = archiver();
    void (async () => {
      try {
        const info = await unwrap(api.getAppInfo());
        setLanguageState(info.language);
        setPlatform(info.platform);
        const saved = await unwrap(api.getSettings());
        setView(saved.settings ? { kind: 'dashboard' } : { kind: 'wizard', draft: emptyDraft(), canCancel: false });
      } catch (error) {
        setProblem(toProblem(error));
        setView({ kind: 'wizard', draft: emptyDraft(), canCancel: false });
      }
    })();
  }, []);

  const chooseLanguage = useCallback(async (next: Language) => {
    setLanguageState(next);
    try {
      await unwrap(archiver().setLanguage({ language: next }));
    } catch (error) {
      setProblem(toProblem(error));
    }
  }, []);

  const openSettings = useCallback(async () => {
    setProblem(undefined);
    try {
      const saved = await unwrap(archiver().getSettings());
      if (!saved.settings) {
        setView({ kind: 'wizard', draft: emptyDraft(), canCancel: true });
        return;
      }

      // The agent's last check used the saved registration, so its date stays valid until a connection field changes.
      const draft = draftFromSettings(saved.settings);
      const status = await archiver().getStatus();
      if (status.ok) draft.expiryFromEntra = expiryReadByAgent(status.value);
      setView({ kind: 'wizard', draft, canCancel: true });
    } catch (error) {
      setProblem(toProblem(error));
    }
  }, []);

  const context = useMemo(() => languageValue(language), [language]);

  return (
    <LanguageProvider value={context}>
      <div className={styles.page}>
        <header className={styles.header}>
          <h1 className={styles.title}>{texts.appTitle}</h1>
          <div className={styles.language}>
            <label htmlFor="language-select">{texts.languageLabel}</label>
            <Select id="language-select" value={language} onChange={(_, data) => void chooseLanguage(data.value as Language)} data-testid="language">
              <option value="de">Deutsch</option>
              <option value="en">English</option>
            </Select>
          </div>
        </header>
        <main>
          {problem ? <ProblemMessage problem={problem} /> : null}
          {view.kind === 'loading' ? <Spinner label={texts.loading} /> : null}
          {view.kind === 'wizard' ? (
            <Wizard
              key={view.canCancel ? 'edit' : 'new'}
              initial={view.draft}
              onFinished={() => setView({ kind: 'dashboard' })}
              onCancel={view.canCancel ? () => setView({ kind: 'dashboard' }) : undefined}
            />
          ) : null}
          {view.kind === 'dashboard' ? <Dashboard platform={platform} onChangeSettings={() => void openSettings()} /> : null}
        </main>
      </div>
    </LanguageProvider>
  );
}

/** Returns the browser's first de/en language, used until getAppInfo returns the saved or system choice. */
function navigatorLanguage(): Language {
  for (const tag of navigator.languages) {
    const primary = tag.slice(0, 2).toLowerCase();
    if (primary === 'de' || primary === 'en') return primary;
  }
  return 'en';
}
