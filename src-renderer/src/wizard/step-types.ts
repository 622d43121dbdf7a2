import type { WizardDraft } from './draft.js';

export interface StepProps {
  draft: WizardDraft;
  update(change: Partial<WizardDraft>): void;
}
