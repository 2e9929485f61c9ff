/** What fixture pages expose to the tests. */
declare global {
  interface Window {
    sightline: ((...args: unknown[]) => void) & { v?: string };
    /** spa.html's router: sets the URL, then the title 50 ms later. */
    go(path: string, title: string, replace?: boolean): void;
  }
}

export {};
