/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's origin when the dashboard is hosted apart from it, e.g. `https://api.example.com`. */
  readonly VITE_SIGHTLINE_API_ORIGIN?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
