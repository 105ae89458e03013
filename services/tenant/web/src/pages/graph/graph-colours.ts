/**
 * Colours of the graph's nodes. The type palette is Okabe and Ito's
 * colour-blind safe set followed by darker tones for tenants with more types.
 */
const TYPE_PALETTE = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#999999', '#8c510a', '#01665e', '#762a83', '#1b7837'];

/** From the lowest to the highest level: green, yellow, orange, red (ColorBrewer RdYlGn reversed). */
const LEVEL_PALETTE = ['#1a9850', '#91cf60', '#d9ef8b', '#fee08b', '#fc8d59', '#d73027'];

export const NO_LEVEL_COLOUR = '#ffffff';

/** Returns a colour per type, in the order the types are given. Types beyond the palette reuse its colours. */
export function colourTypes(types: string[]): Map<string, string> {
  return new Map(types.map((type, index) => [type, TYPE_PALETTE[index % TYPE_PALETTE.length] ?? '#999999']));
}

/** Returns a colour per level, spreading the scale's levels over the palette from green to red. */
export function colourLevels(levels: number[]): Map<number, string> {
  const sorted = [...levels].sort((a, b) => a - b);
  const last = Math.max(1, sorted.length - 1);
  return new Map(sorted.map((level, index) => [level, LEVEL_PALETTE[Math.round((index / last) * (LEVEL_PALETTE.length - 1))] ?? '#999999']));
}
