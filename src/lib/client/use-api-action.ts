'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { ApiProblem } from './api';

/**
 * One write through the org API from a form or a button: busy while it runs, the problem when it
 * fails (for an alert and the fields), a toast and a fresh page (`router.refresh()`) when it succeeds.
 * `run` resolves to the action's answer, or undefined when it failed.
 */
export function useApiAction() {
  const router = useRouter();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function run<T>(action: () => Promise<T>, done: string): Promise<T | undefined> {
    setBusy(true);
    setProblem(null);
    try {
      const result = await action();
      toast.success(done);
      router.refresh();
      return result;
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { busy, problem, run };
}
