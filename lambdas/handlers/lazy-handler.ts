/**
 * Defers building a handler (and the SDK clients and stores behind it) to its first invocation,
 * so importing a handler module constructs nothing a test cannot replace.
 */
// biome-ignore lint/suspicious/noExplicitAny: handler signatures vary; the wrapper forwards them as given.
export function lazyHandler<H extends (...args: any[]) => Promise<any>>(build: () => Promise<H>): H {
  let built: Promise<H> | undefined;
  return (async (...args: Parameters<H>) => {
    built ??= build().catch((error) => {
      built = undefined;
      throw error;
    });
    const handler = await built;
    return handler(...args);
  }) as H;
}
