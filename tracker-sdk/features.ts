/**
 * Compile-time feature flags, shared by the build (`build.ts` turns each into an esbuild `define`,
 * so a disabled module is dropped from the bundle) and by type-checking (`src/globals.d.ts`).
 * Runtime switches are `data-` attributes on the script tag; these decide what is shipped at all.
 */
export const trackerFeatures = {
  /** Page views on pushState / replaceState / popstate / hashchange. */
  spa: true,
  /** `page_engagement` on page leave and `scroll_depth` milestones. */
  engagement: true,
  /** Outbound, download, mailto/tel, `data-sl-event` and affiliate clicks. */
  clicks: true,
  /** `form_submit` and opt-in e-mail identity capture. */
  forms: true,
  /** HTML5 video play / pause / progress / complete. */
  video: true,
  /** The bounded localStorage retry queue with exponential backoff. */
  retry: true,
};

export type TrackerFeatures = { [K in keyof typeof trackerFeatures]: boolean };
