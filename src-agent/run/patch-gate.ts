import { ArchiverError } from '../errors/index.js';
import { failureScope } from './failure-scope.js';

/**
 * Lets the first category PATCH of a mailbox run alone. It may fail with a mailbox-wide error,
 * such as a 403 because Mail.ReadWrite or the access policy is missing. Then every waiting and
 * later PATCH fails with that error at once, so the mailbox stops with one permission error
 * instead of one failure per message.
 */
export class FirstPatchGate {
  private passed = false;
  private probe: Promise<void> | undefined;

  async run<T>(patch: () => Promise<T>): Promise<T> {
    if (this.passed) {
      return patch();
    }
    if (this.probe) {
      await this.probe;
      return this.run(patch);
    }

    let settle!: (error?: unknown) => void;
    this.probe = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // Waiters see the failure through their own await; this keeps an unobserved rejection quiet.
    this.probe.catch(() => undefined);

    try {
      const result = await patch();
      this.passed = true;
      settle();
      return result;
    } catch (error) {
      if (error instanceof ArchiverError && failureScope(error.code) === 'mailbox') {
        settle(error);
      } else {
        // An item-level failure such as a 412: the next PATCH becomes the probe.
        this.probe = undefined;
        settle();
      }
      throw error;
    }
  }
}
