import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { Problem } from '../archiver.js';
import { useTexts } from '../i18n/language.js';

/** Shows a failure's message and remedy in the admin's language, with its code for support. */
export function ProblemMessage({ problem, intent = 'error' }: { problem: Problem; intent?: 'error' | 'warning' }) {
  const { language, texts } = useTexts();
  const text = problem.text[language];
  return (
    <MessageBar intent={intent} layout="multiline" data-testid="problem" data-code={problem.code}>
      <MessageBarBody>
        <MessageBarTitle>{text.message}</MessageBarTitle>
        {text.remedy ? (
          <div data-testid="remedy">
            {texts.remedyLabel} {text.remedy}
          </div>
        ) : null}
        <small>{problem.code}</small>
      </MessageBarBody>
    </MessageBar>
  );
}
