/** Exercism's un-skipping of a spec's text (exercism-unskip.mjs). */
export function unskip (source: string): string
