'use strict';
// Property specs and value checking, after docs/protocol.md §5 (PropertySpec.coerce).
// coerce(spec, value) returns the normalised value or throws a ValueError whose message becomes
// the `message` of an INVALIDATE_PARAMS ErrorResponse.

class ValueError extends Error {}

// docs/protocol.md §5: the colour names, in the order a reason lists them, and the state each gives.
const COLOUR_LIST = [
  ['Red', '#FF0000'], ['Orange', '#FFA500'], ['Yellow', '#FFFF00'], ['Green', '#008000'], ['Lime', '#00FF00'],
  ['Cyan', '#00FFFF'], ['Blue', '#0000FF'], ['Purple', '#800080'], ['Pink', '#FFC0CB'], ['White', '#FFFFFF'],
  ['Magenta', '#FF00FF'], ['Brown', '#A52A2A'], ['Gold', '#FFD700'], ['Navy', '#000080'], ['Teal', '#008080'],
  ['Turquoise', '#40E0D0'], ['Indigo', '#4B0082'], ['Warm', '#FFB46B'],
];
const COLOURS = Object.fromEntries(COLOUR_LIST.map(([name, hex]) => [name.toLowerCase(), hex]));
const COLOUR_NAMES = COLOUR_LIST.map(([name]) => name).join(', ');

/** The value as Python's repr() would show it, as the protocol's reasons quote values. */
function repr(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

/** A bound as the reasons show it: `1%`, `2700K`. */
function bound(spec, limit) {
  return `${Number.isInteger(limit) ? limit : String(limit)}${spec.unit || ''}`;
}

function toNumber(spec, value) {
  if (typeof value === 'boolean' || (typeof value !== 'number' && typeof value !== 'string')) {
    throw new ValueError(`${spec.name} must be a number, got ${repr(value)}`);
  }
  const given = value;
  if (typeof value === 'string') {
    const word = value.replace(/\s+/g, '').toLowerCase();
    if (word === 'max' || word === 'min') {
      const end = spec[word];
      if (end === undefined) throw new ValueError(`${spec.name} has no ${word === 'max' ? 'maximum' : 'minimum'}`);
      return end;
    }
    const text = value.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?(inf|infinity|nan)$/i.test(text)) {
      throw new ValueError(`${spec.name} must be a number, got ${repr(value)}`);
    }
    value = /^[+-]?nan$/i.test(text) ? NaN : /inf/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
  }
  if (!Number.isFinite(value)) throw new ValueError(`${spec.name} must be a finite number, got ${repr(given)}`);
  return value;
}

function inRange(spec, number) {
  if (spec.min !== undefined && number < spec.min) {
    throw new ValueError(`${spec.name} must be at least ${bound(spec, spec.min)}, got ${repr(number)}`);
  }
  if (spec.max !== undefined && number > spec.max) {
    throw new ValueError(`${spec.name} must be at most ${bound(spec, spec.max)}, got ${repr(number)}`);
  }
  return number;
}

/** The normalised value of `value` for `spec`, or a ValueError with the reason. */
function coerce(spec, value) {
  switch (spec.dataType) {
    case 'int': {
      const number = inRange(spec, toNumber(spec, value));
      if (!Number.isInteger(number)) throw new ValueError(`${spec.name} must be a whole number, got ${repr(number)}`);
      return number;
    }
    case 'float':
      return Math.round(inRange(spec, toNumber(spec, value)) * 100) / 100;
    case 'enum': {
      const found = typeof value === 'string' && spec.enumValues.find((v) => v.toLowerCase() === value.toLowerCase());
      if (!found) throw new ValueError(`${spec.name} must be one of ${spec.enumValues.join(', ')}, got ${repr(value)}`);
      return found;
    }
    case 'color': {
      if (typeof value === 'string') {
        const text = value.trim();
        if (/^#[0-9a-fA-F]{6}$/.test(text)) return text.toUpperCase();
        const named = COLOURS[text.toLowerCase()];
        if (named) return named;
      }
      throw new ValueError(`${spec.name} must be a colour name (${COLOUR_NAMES}) or #RRGGBB, got ${repr(value)}`);
    }
    default:
      throw new ValueError(`${spec.name} has an unknown data type ${repr(spec.dataType)}`);
  }
}

/** The step of an Adjust: `value` if given (a positive number or numeric string), else the default. */
function adjustStep(spec, value, defaultStep) {
  if (value === undefined) return defaultStep;
  const words = typeof value === 'string' && /^(max|min)$/i.test(value.replace(/\s+/g, ''));
  let step;
  try {
    if (words) throw new ValueError('a range end is not a step');
    step = toNumber({ name: spec.name }, value);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new ValueError(`${spec.name}: step must be a number, got ${repr(value)}`);
  }
  if (!(step > 0)) throw new ValueError(`${spec.name}: step must be positive, got ${repr(value)}`);
  return step;
}

module.exports = { COLOURS, ValueError, adjustStep, coerce, repr };
