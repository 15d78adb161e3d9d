/**
 * How every host shows text that came from a capture (a password, a column): characters that do not print as
 * escapes, the same rule the CLI follows (core/fields/text.ts). Part of the contract so the renderer, which
 * imports nothing else of core, shows what `wirelens` prints.
 */
export { displayParts, displayText, type DisplayPart } from '../fields/text.js';
