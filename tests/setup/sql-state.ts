/** Runs `action` and returns the SQLSTATE it failed with (undefined when it succeeded). */
export async function sqlState(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.code ?? e.cause?.code;
  }
}
