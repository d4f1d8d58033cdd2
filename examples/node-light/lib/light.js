'use strict';
// The light itself, with no MQTT in it: its registration, its state, and the answer to each message
// the hub may send it (docs/protocol.md §3-§6). main.js carries these over MQTT.

const crypto = require('node:crypto');
const { ValueError, adjustStep, coerce, repr } = require('./specs');

const CONTROL = 'AliGenie.Iot.Device.Control';
const QUERY = 'AliGenie.Iot.Device.Query';
const DISCOVERY = 'AliGenie.Iot.Device.Discovery';
const LIFECYCLE = 'AliGenie.Iot.Lifecycle';
const REPORT = 'AliGenie.Iot.Device.Report';
const MAX_PAYLOAD = 262144;
const PROTOCOL_VERSION = 1;

const SPECS = [
  { name: 'powerstate', dataType: 'enum', accessMode: 'rw', enumValues: ['on', 'off'] },
  { name: 'brightness', dataType: 'int', min: 1, max: 100, step: 1, unit: '%', accessMode: 'rw', enumValues: [] },
  { name: 'color', dataType: 'color', accessMode: 'rw', enumValues: [] },
  { name: 'colorTemperature', dataType: 'int', min: 2700, max: 6500, step: 100, unit: 'K', accessMode: 'rw',
    enumValues: [] },
];
const SPEC = Object.fromEntries(SPECS.map((spec) => [spec.name, spec]));

// Control actions: [property, kind, default step] (docs/protocol.md §6).
const ACTIONS = {
  TurnOn: ['powerstate', 'on'],
  TurnOff: ['powerstate', 'off'],
  SetBrightness: ['brightness', 'set'],
  AdjustUpBrightness: ['brightness', 'up', 25],
  AdjustDownBrightness: ['brightness', 'down', 25],
  SetColor: ['color', 'set'],
  SetColorTemperature: ['colorTemperature', 'set'],
  AdjustUpColorTemperature: ['colorTemperature', 'up', 500],
  AdjustDownColorTemperature: ['colorTemperature', 'down', 500],
  Reset: [null, 'reset'],
};
const QUERIES = {
  Query: null, QueryPowerState: 'powerstate', QueryBrightness: 'brightness', QueryColor: 'color',
};

/** A new messageId: a UUID4 in hex. */
function newId() {
  return crypto.randomUUID().replace(/-/g, '');
}

/** One message: the envelope of docs/protocol.md §1. */
function envelope(namespace, name, payload, messageId = newId()) {
  return { header: { namespace, name, messageId, payLoadVersion: PROTOCOL_VERSION, timestamp: Date.now() }, payload };
}

// Text a person reads may not hold control characters, bidi overrides or line separators (§3).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f\u2028\u2029]/;

/** The message in `data` (bytes), checked as far as a device needs, or {error: reason} (§1, §8). */
function decode(data) {
  if (data.length > MAX_PAYLOAD) return { error: `message: payload of ${data.length} bytes exceeds ${MAX_PAYLOAD}` };
  let message;
  try {
    message = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (error) {
    return { error: `message: not valid UTF-8 JSON (${error.message})` };
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return { error: `message: expected a JSON object, got ${Array.isArray(message) ? 'list' : typeof message}` };
  }
  const { header, payload } = message;
  if (!isObject(header)) return { error: 'header: Field required' };
  if (!isObject(payload)) return { error: 'payload: Field required' };
  for (const field of ['namespace', 'name']) {
    if (typeof header[field] !== 'string' || !header[field]) return { error: `header.${field}: Field required` };
  }
  const id = header.messageId;
  if (typeof id !== 'string' || id.length < 1 || id.length > 64 || UNPRINTABLE.test(id)) {
    return { error: 'header.messageId: a string of 1-64 printable characters is required' };
  }
  const version = header.payLoadVersion ?? header.payloadVersion ?? PROTOCOL_VERSION;
  if (!Number.isInteger(version) || version < 1) return { error: `header.payLoadVersion: invalid ${repr(version)}` };
  if (version > PROTOCOL_VERSION) {
    return { error: `header.payLoadVersion: payLoadVersion ${version} is newer than this peer understands (1)` };
  }
  return { message };
}

/** The nearest whole number, halves to the even one (12.5 -> 12, 13.5 -> 14), as the built-in devices round. */
function roundHalfEven(number) {
  const floor = Math.floor(number);
  const rest = number - floor;
  if (rest !== 0.5) return Math.round(number);
  return floor % 2 === 0 ? floor : floor + 1;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class Light {
  /** `config`: id, names {lang: [..]}, room, roomNames, brand, model, initial state. */
  constructor(config) {
    this.config = config;
    this.initial = {
      powerstate: 'off', brightness: 80, color: '#FFFFFF', colorTemperature: 4000, ...(config.initial || {}),
    };
    this.state = { ...this.initial };
  }

  properties(names = SPECS.map((spec) => spec.name)) {
    return names.map((name) => ({ name, value: this.state[name] }));
  }

  registration() {
    const { id, names, room, roomNames, brand, model } = this.config;
    const display = (names.zh || names.en || Object.values(names)[0])[0];
    const zone = (roomNames.zh || roomNames.en || Object.values(roomNames)[0] || [room])[0];
    return envelope(DISCOVERY, 'Register', {
      deviceId: id, deviceName: display, deviceType: 'light', zone, brand, model,
      properties: this.properties(), actions: [...Object.keys(ACTIONS), ...Object.keys(QUERIES)], extensions: {},
      names, zoneId: room, zoneNames: roomNames, propertySpecs: SPECS, firmware: '1.0.0', protocol: 'aligenie-v1',
    });
  }

  status(online, reason) {
    return envelope(LIFECYCLE, online ? 'Online' : 'Offline',
      { deviceId: this.config.id, status: online ? 'online' : 'offline', reason });
  }

  snapshot() {
    return envelope(REPORT, 'StateSnapshot', { deviceId: this.config.id, properties: this.properties() });
  }

  changed(names, cause) {
    return envelope(REPORT, 'PropertyChanged', { deviceId: this.config.id, properties: this.properties(names), cause });
  }

  /** A physical button press: power toggles. Returns the names of the properties that changed. */
  press() {
    this.state.powerstate = this.state.powerstate === 'on' ? 'off' : 'on';
    return ['powerstate'];
  }

  /**
   * The answer to a decoded request: {reply, changed} where `changed` lists the properties it changed
   * (all stated by the reply, so none needs a report), or {error} for a message that is not a Request.
   */
  handle(message) {
    const { header, payload } = message;
    if (header.namespace !== CONTROL && header.namespace !== QUERY) {
      return { error: `header.namespace: ${repr(header.namespace)} is not a Request` };
    }
    if (typeof payload.deviceId !== 'string') return { error: 'payload.deviceId: Field required' };
    const value = payload.value ?? undefined;  // null: no value, as an absent field
    if (value !== undefined && !['boolean', 'number', 'string'].includes(typeof value)) {
      return { error: 'payload.value: a JSON boolean, number or string is required' };
    }
    const fail = (code, text) => ({ reply: envelope(header.namespace, 'ErrorResponse',
      { deviceId: this.config.id, errorCode: code, message: text }, header.messageId), changed: [] });
    const succeed = (names, changed) => ({ reply: envelope(header.namespace, `${header.name}Response`,
      { deviceId: this.config.id, properties: this.properties(names) }, header.messageId), changed });
    if (payload.deviceId !== this.config.id) {
      return fail('DEVICE_IS_NOT_EXIST', `device is not exist: ${repr(payload.deviceId)}`);
    }
    if (header.namespace === QUERY) {
      if (!Object.hasOwn(QUERIES, header.name)) return fail('DEVICE_NOT_SUPPORT_FUNCTION', `unknown query ${repr(header.name)}`);
      const wanted = QUERIES[header.name];
      return succeed(wanted ? [wanted] : undefined, []);
    }
    if (!Object.hasOwn(ACTIONS, header.name)) {
      return fail('DEVICE_NOT_SUPPORT_FUNCTION', `device not support: ${repr(header.name)}`);
    }
    const [property, kind, defaultStep] = ACTIONS[header.name];
    if (kind === 'reset') {
      const changed = SPECS.map((s) => s.name).filter((name) => this.state[name] !== this.initial[name]);
      this.state = { ...this.initial };
      return succeed(undefined, changed);
    }
    let target;
    try {
      target = this.target(SPEC[property], kind, value, defaultStep);
    } catch (error) {
      if (error instanceof ValueError) return fail('INVALIDATE_PARAMS', error.message);
      throw error;
    }
    const changed = this.state[property] === target ? [] : [property];
    this.state[property] = target;
    return succeed([property], changed);
  }

  target(spec, kind, value, defaultStep) {
    if (kind === 'on' || kind === 'off') return kind;
    if (kind === 'set') {
      if (value === undefined) throw new ValueError(`${spec.name}: a value is required`);
      return coerce(spec, value);
    }
    const step = adjustStep(spec, value, defaultStep ?? spec.step ?? 1);
    const moved = this.state[spec.name] + (kind === 'up' ? step : -step);
    const clamped = Math.min(spec.max, Math.max(spec.min, moved));
    return spec.dataType === 'int' ? roundHalfEven(clamped) : Math.round(clamped * 100) / 100;
  }
}

module.exports = { Light, decode, envelope, SPECS };
