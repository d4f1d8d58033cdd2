'use strict';
// Unit tests of the device without MQTT: `npm test` (node --test).

const test = require('node:test');
const assert = require('node:assert/strict');
const { Light, decode } = require('../lib/light');
const { coerce } = require('../lib/specs');

const BRIGHTNESS = { name: 'brightness', dataType: 'int', min: 1, max: 100, unit: '%', enumValues: [] };

function light() {
  return new Light({ id: 'lamp', names: { en: ['lamp'] }, room: 'living', roomNames: { en: ['living room'] },
    brand: 'b', model: 'm', initial: { brightness: 10 } });
}

function control(device, name, value, deviceId = 'lamp') {
  const payload = { deviceId };
  if (value !== undefined) payload.value = value;
  return device.handle({ header: { namespace: 'AliGenie.Iot.Device.Control', name, messageId: 'm1' }, payload });
}

test('values are checked with the reasons of protocol.md §5', () => {
  assert.equal(coerce(BRIGHTNESS, ' MAX '), 100);
  assert.equal(coerce(BRIGHTNESS, '50'), 50);
  const reasons = [[0, 'brightness must be at least 1%, got 0'], [150, 'brightness must be at most 100%, got 150'],
    ['x', "brightness must be a number, got 'x'"], [50.5, 'brightness must be a whole number, got 50.5'],
    [true, 'brightness must be a number, got True'], ['inf', "brightness must be a finite number, got 'inf'"]];
  for (const [value, reason] of reasons) assert.throws(() => coerce(BRIGHTNESS, value), { message: reason });
  const colour = { name: 'color', dataType: 'color', enumValues: [] };
  assert.equal(coerce(colour, ' red '), '#FF0000');
  assert.equal(coerce(colour, '#abcdef'), '#ABCDEF');
  assert.equal(coerce(colour, 'GREEN'), '#008000');
  assert.throws(() => coerce(colour, 'bluish'), /color must be a colour name \(Red, .*, Warm\) or #RRGGBB, got 'bluish'/);
});

test('a reply copies the messageId and states what changed', () => {
  const device = light();
  const { reply, changed } = control(device, 'AdjustUpBrightness', 2.5);
  assert.equal(reply.header.name, 'AdjustUpBrightnessResponse');
  assert.equal(reply.header.messageId, 'm1');
  assert.deepEqual(reply.payload.properties, [{ name: 'brightness', value: 12 }]);  // 12.5: halves to even
  assert.deepEqual(changed, ['brightness']);
  assert.deepEqual(control(device, 'AdjustUpBrightness', 2.5).reply.payload.properties[0].value, 14);  // 14.5
  assert.deepEqual(control(device, 'TurnOff').changed, []);  // it was off: nothing changed
});

test('errors: out of range, unknown action, another device, no value', () => {
  const device = light();
  const codes = [[control(device, 'SetBrightness', 150), 'INVALIDATE_PARAMS'],
    [control(device, 'Fly'), 'DEVICE_NOT_SUPPORT_FUNCTION'],
    [control(device, 'TurnOn', undefined, 'other'), 'DEVICE_IS_NOT_EXIST'],
    [control(device, 'SetColor'), 'INVALIDATE_PARAMS'], [control(device, 'AdjustDownBrightness', 0), 'INVALIDATE_PARAMS']];
  for (const [{ reply }, code] of codes) {
    assert.equal(reply.header.name, 'ErrorResponse');
    assert.equal(reply.payload.errorCode, code);
    assert.equal(reply.payload.deviceId, 'lamp');
  }
  assert.equal(device.state.brightness, 10);
});

test('what cannot be decoded is refused with a reason, never thrown', () => {
  const cases = [Buffer.from('\xff'), Buffer.from('nope'), Buffer.from('[]'), Buffer.from('{"header":{}}'),
    Buffer.from('{'.repeat(100000)), Buffer.alloc(262145, 32),
    Buffer.from('{"header":{"namespace":"n","name":"x","messageId":"m","payLoadVersion":2},"payload":{}}')];
  for (const data of cases) assert.ok(decode(data).error, data.subarray(0, 40).toString());
  const ok = decode(Buffer.from('{"header":{"namespace":"n","name":"x","messageId":"m","payloadVersion":1},"payload":{}}'));
  assert.equal(ok.error, undefined);
});
