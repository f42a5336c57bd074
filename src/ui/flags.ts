export { FLAG_NAMES } from '../core/model.js';

/** The colour Ink draws each flag's name in (the name says it without colour). */
export const FLAG_COLORS = [
  '',
  'red',
  'yellow',
  'green',
  'blue',
  'magenta',
  'cyan',
  'magentaBright',
];
