/**
 * The tracker's version: the one place it is written. The build stamps it into every payload
 * (`sdk: "sightline-js/<version>"`) and into the immutable file name `s.<version>.js`.
 */
export const trackerVersion = '0.1.0';
