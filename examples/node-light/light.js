#!/usr/bin/env node
'use strict';
// A Genie Sim light in Node.js: lib/light.js is the device, this file carries it over MQTT 3.1.1
// (docs/protocol.md §1, §2, §7). Run `node light.js --help`.

const { parseArgs } = require('node:util');
const mqtt = require('mqtt');
const { Light, decode } = require('./lib/light');

const HELP = `usage: node light.js [options]

A light that speaks the Genie wire protocol (docs/protocol.md). Every option may also be given by the
environment variable shown; an option wins over its variable.

  --broker URL        GENIE_BROKER        broker, mqtt://host:port (default mqtt://127.0.0.1:1883)
  --username NAME     GENIE_USERNAME      login (default: the client id: the device id, or HOME.ID)
  --password SECRET   GENIE_PASSWORD      password of that login (prefer the variable: ps shows options)
  --id ID             GENIE_DEVICE_ID     device id, [a-z0-9][a-z0-9_-]{0,63} (default node-light)
  --name-zh/-en/-fr   GENIE_NAME_ZH/EN/FR spoken names (default 节点灯 / node light / lampe node);
                                          several aliases separated by commas, the first is displayed
  --room ID           GENIE_ROOM          room id (default living)
  --room-zh/-en/-fr   GENIE_ROOM_ZH/EN/FR room names (default for living: 客厅 / living room / salon)
  --home ID           GENIE_HOME          home id of a shared broker (topics genie/home/ID/..., login ID.ID)
  --brand, --model    GENIE_BRAND/MODEL   (default "Genie Sim Examples" / "node-light-1")
  --keepalive S       GENIE_KEEPALIVE     MQTT keepalive in seconds (default 30)

Signals: SIGTERM / SIGINT stop it cleanly (status offline, reason shutdown); SIGUSR2 presses its
physical button (power toggles, reported with cause physical).`;

const ID_RULE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ROOMS = { living: { zh: ['客厅'], en: ['living room'], fr: ['salon'] } };

/** The configuration from the command line and the environment, or an Error with a one-line message. */
function configure(argv, env) {
  const options = {};
  for (const name of ['broker', 'username', 'password', 'id', 'name-zh', 'name-en', 'name-fr', 'room', 'room-zh',
    'room-en', 'room-fr', 'home', 'brand', 'model', 'keepalive']) options[name] = { type: 'string' };
  options.help = { type: 'boolean', short: 'h' };
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  if (values.help) return { help: true };
  const get = (name, fallback) => values[name] ?? env[`GENIE_${name.replace(/-/g, '_').toUpperCase()}`] ?? fallback;
  const id = get('id', env.GENIE_DEVICE_ID ?? 'node-light');
  if (!ID_RULE.test(id)) throw new Error(`invalid device id ${JSON.stringify(id)}: [a-z0-9][a-z0-9_-]{0,63}`);
  const home = get('home', undefined);
  if (home !== undefined && !ID_RULE.test(home)) throw new Error(`invalid home id ${JSON.stringify(home)}`);
  const room = get('room', 'living');
  if (!ID_RULE.test(room)) throw new Error(`invalid room id ${JSON.stringify(room)}`);
  const spoken = (prefix, defaults) => {
    const result = {};
    for (const lang of ['zh', 'en', 'fr']) {
      const text = get(`${prefix}-${lang}`, undefined);
      const list = text === undefined ? defaults[lang] : text.split(',').map((s) => s.trim()).filter(Boolean);
      if (list && list.length) result[lang] = list;
    }
    if (!Object.keys(result).length) throw new Error(`--${prefix}-zh/-en/-fr: at least one name is needed`);
    return result;
  };
  const keepalive = Number(get('keepalive', '30'));
  if (!Number.isInteger(keepalive) || keepalive < 1 || keepalive > 65535) throw new Error('--keepalive: 1-65535 seconds');
  let broker;
  try {
    broker = new URL(get('broker', 'mqtt://127.0.0.1:1883'));
  } catch {
    throw new Error(`invalid broker URL ${JSON.stringify(get('broker'))}: mqtt://host:port`);
  }
  if (broker.protocol !== 'mqtt:') throw new Error(`broker URL ${JSON.stringify(broker.href)}: only mqtt:// is supported`);
  const clientId = home === undefined ? id : `${home}.${id}`;
  return {
    id, home, clientId, keepalive,
    url: `mqtt://${broker.hostname}:${broker.port || 1883}`,
    username: get('username', decodeURIComponent(broker.username) || clientId),
    password: get('password', decodeURIComponent(broker.password) || undefined),
    root: home === undefined ? 'genie' : `genie/home/${home}`,
    names: spoken('name', { zh: ['节点灯'], en: ['node light'], fr: ['lampe node'] }),
    room, roomNames: spoken('room', ROOMS[room] || { zh: [room], en: [room], fr: [room] }),
    brand: get('brand', 'Genie Sim Examples'), model: get('model', 'node-light-1'),
  };
}

/** Printable in one log line: control characters written out. */
function printable(text) {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 300);
}

class Device {
  constructor(config, log) {
    this.config = config;
    this.light = new Light(config);
    this.log = log;
    this.attempt = 0;
    this.everConnected = false;
    this.stopping = false;
    this.timer = null;
    const topic = (kind) => `${config.root}/dev/${config.id}/${kind}`;
    this.topics = {
      register: topic('register'), status: topic('status'), state: topic('state'), report: topic('report'),
      request: topic('request'), reply: topic('reply'), discover: `${config.root}/discover`,
      hubStatus: `${config.root}/hub/status`,
    };
  }

  will() {
    return { topic: this.topics.status, payload: Buffer.from(JSON.stringify(this.light.status(false, 'lwt'))),
      qos: 1, retain: true };
  }

  start() {
    const { url, clientId, username, password, keepalive } = this.config;
    this.client = mqtt.connect(url, {
      clientId, username, password, protocolVersion: 4, clean: true, keepalive, reconnectPeriod: 0,
      connectTimeout: 10_000, resubscribe: false, queueQoSZero: false, will: this.will(),
    });
    this.client.on('connect', () => this.connected());
    this.client.on('close', () => this.closed());
    this.client.on('error', (error) => this.failed(error));
    this.client.on('message', (topic, payload, packet) => {
      try {
        this.received(topic, payload, packet);
      } catch (error) {  // never let one message stop the device
        this.log(`error handling a message on ${printable(topic)}: ${printable(error.stack || error)}`);
      }
    });
  }

  publish(topic, message, { qos = 1, retain = false } = {}) {
    this.client.publish(topic, JSON.stringify(message), { qos, retain }, (error) => {
      if (error && !this.stopping) this.log(`publish on ${topic} failed: ${error.message}`);
    });
  }

  announce(reason) {
    this.publish(this.topics.register, this.light.registration(), { retain: true });
    this.publish(this.topics.status, this.light.status(true, reason), { retain: true });
    this.publish(this.topics.state, this.light.snapshot(), { retain: true });
  }

  connected() {
    this.attempt = 0;
    this.everConnected = true;
    this.announce('connect');
    const { request, discover, hubStatus } = this.topics;
    this.client.subscribe({ [request]: { qos: 1 }, [discover]: { qos: 1 }, [hubStatus]: { qos: 1 } }, (error) => {
      if (error) this.log(`subscribe failed: ${error.message}`);
      else this.log(`online as ${this.config.clientId} on ${this.config.url}`);
    });
  }

  failed(error) {
    const refused = error && (error.code === 4 || error.code === 5);
    this.log(`connection: ${printable(error.message)}`);
    if (refused && !this.everConnected) {
      this.log(`the broker refused the login ${JSON.stringify(this.config.username)}: check --username/--password`);
      this.stop(2);
    }
  }

  closed() {
    if (this.stopping || this.timer) return;
    // Exponential backoff, 50 ms doubling to 10 s (docs/reliability.md), with "equal jitter": a random
    // delay in the upper half of each step, so devices cut off together spread out and no two attempts
    // of one device come back to back (full jitter may draw ~0 ms twice in a row).
    const ceiling = Math.min(10_000, 50 * 2 ** Math.min(this.attempt, 20));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    this.log(`disconnected; reconnecting in ${Math.round(delay)} ms (attempt ${this.attempt})`);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopping) return;
      this.client.options.will = this.will();
      this.client.reconnect();
    }, delay);
  }

  received(topic, payload, packet) {
    if (payload.length === 0) return;  // an empty retained payload: nothing retained (§2)
    const decoded = decode(payload);
    if (decoded.error) {
      this.log(`dropped a message on ${printable(topic)}: ${printable(decoded.error)}`);
      return;
    }
    const { header } = decoded.message;
    if (topic === this.topics.request) {
      const outcome = this.light.handle(decoded.message);
      if (outcome.error) {
        this.log(`dropped a message on ${printable(topic)}: ${printable(outcome.error)}`);
        return;
      }
      this.publish(this.topics.reply, outcome.reply);
      if (outcome.changed.length) this.publish(this.topics.state, this.light.snapshot(), { retain: true });
    } else if (topic === this.topics.discover) {
      if (header.namespace === 'AliGenie.Iot.Device.Discovery' && header.name === 'DiscoveryDevices') {
        this.announce('discovery');
      }
    } else if (topic === this.topics.hubStatus) {
      // A hub that (re)started while we stayed connected: its live Online, not the retained copy (§1).
      if (header.namespace === 'AliGenie.Iot.Lifecycle' && header.name === 'Online' && !packet.retain) {
        this.announce('discovery');
      }
    }
  }

  press() {
    const changed = this.light.press();
    this.log(`button pressed: power ${this.light.state.powerstate}`);
    if (!this.client.connected) return;  // the next announcement carries the state
    this.publish(this.topics.report, this.light.changed(changed, 'physical'), { qos: 0 });
    this.publish(this.topics.state, this.light.snapshot(), { retain: true });
  }

  stop(code = 0) {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    const exit = () => process.exit(code);
    setTimeout(exit, 3000).unref();
    if (!this.client.connected) {
      this.client.end(true, {}, exit);
      return;
    }
    this.client.publish(this.topics.status, JSON.stringify(this.light.status(false, 'shutdown')),
      { qos: 1, retain: true }, () => this.client.end(false, {}, exit));
  }
}

function main() {
  let config;
  try {
    config = configure(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`node-light: ${error.message}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const log = (line) => process.stderr.write(`node-light[${config.id}]: ${line}\n`);
  const device = new Device(config, log);
  process.on('SIGTERM', () => device.stop(0));
  process.on('SIGINT', () => device.stop(0));
  process.on('SIGUSR2', () => device.press());
  device.start();
}

if (require.main === module) main();

module.exports = { configure, Device };
