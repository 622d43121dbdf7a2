import { useCallback, useRef, useState } from 'react';
import { CallFailed, type Problem } from '../archiver.js';

export interface CallState<T> {
  running: boolean;
  value: T | undefined;
  problem: Problem | undefined;
  /** Runs `work`; a newer run makes the result of an older one ignored. */
  run(work: () => Promise<T>): Promise<T | undefined>;
  reset(): void;
}

/** Tracks one asynchronous call of the bridge: running, its value or the failure to show. */
export function useCall<T>(): CallState<T> {
  const [running, setRunning] = useState(false);
  const [value, setValue] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const generation = useRef(0);

  const run = useCallback(async (work: () => Promise<T>) => {
    const current = ++generation.current;
    setRunning(true);
    setProblem(undefined);
    try {
      const result = await work();
      if (current === generation.current) setValue(result);
      return result;
    } catch (error) {
      if (current === generation.current) setProblem(toProblem(error));
      return undefined;
    } finally {
      if (current === generation.current) setRunning(false);
    }
  }, []);

  const reset = useCallback(() => {
    generation.current++;
    setRunning(false);
    setValue(undefined);
    setProblem(undefined);
  }, []);

  return { running, value, problem, run, reset };
}

/** Turns anything thrown into a problem to show; only bridge failures carry the catalog's texts. */
export function toProblem(error: unknown): Problem {
  if (error instanceof CallFailed) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    details: {},
    text: {
      de: { message: `Unerwarteter Fehler in der Oberfläche: ${message}`, remedy: 'Starten Sie die App neu. Bleibt der Fehler, senden Sie den Protokollordner an den Support.' },
      en: { message: `Unexpected error in the user interface: ${message}`, remedy: 'Restart the app. If the error stays, send the log folder to support.' },
    },
  };
}
