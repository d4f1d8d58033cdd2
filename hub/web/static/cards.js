// Device cards: an icon per category, a static skeleton per category, and ``applyState`` that
// only touches what changed (text, CSS variables, classes), so CSS transitions run smoothly:
// a curtain's panels slide, a light's glow fades, a battery bar moves.

import { category, display, number, t, value, when } from "./i18n.js";

const svg = (body) =>
  `<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const ICONS = {
  light: svg('<path d="M9 18h6M10 21h4M12 3a6 6 0 0 0-3.6 10.8c.7.6 1.1 1.3 1.1 2.1V17h5v-1.1c0-.8.4-1.5 1.1-2.1A6 6 0 0 0 12 3z"/>'),
  switch: svg('<rect x="6" y="3" width="12" height="18" rx="3"/><rect x="9.5" y="6.5" width="5" height="6" rx="1.5"/>'),
  outlet: svg('<rect x="4" y="4" width="16" height="16" rx="4"/><path d="M10 9v3M14 9v3M10.5 16h3"/>'),
  curtain: svg('<path d="M3 4h18M5 4v16M19 4v16M5 4c2.5 5 2 11 5 16M19 4c-2.5 5-2 11-5 16"/>'),
  aircondition: svg('<rect x="3" y="5" width="18" height="8" rx="2"/><path d="M7 10h10M8 16l-1 3M12 16v3M16 16l1 3"/>'),
  fan: svg('<circle cx="12" cy="12" r="1.8"/><path d="M12 10.2C11 6 12 3 15 3c2.5 0 2.5 3.5-3 7.2zM13.8 12c4.2-1 7.2 0 7.2 3 0 2.5-3.5 2.5-7.2-3zM12 13.8c1 4.2 0 7.2-3 7.2-2.5 0-2.5-3.5 3-7.2zM10.2 12C6 13 3 12 3 9c0-2.5 3.5-2.5 7.2 3z"/>'),
  airpurifier: svg('<rect x="6" y="3" width="12" height="18" rx="3"/><path d="M9 8h6M9 11h6M9 14h6"/>'),
  humidifier: svg('<path d="M12 3c3 4 6 7.4 6 11a6 6 0 0 1-12 0c0-3.6 3-7 6-11z"/><path d="M9.5 14.5a2.5 2.5 0 0 0 2.5 2.5"/>'),
  heater: svg('<path d="M12 21a6 6 0 0 0 6-6c0-4-3-6-4.5-10-1.8 2-2.5 4-2.5 6-1-.8-1.8-2-2-3.5C7.3 9.5 6 12 6 15a6 6 0 0 0 6 6z"/>'),
  waterheater: svg('<rect x="6" y="2.5" width="12" height="16.5" rx="3"/><path d="M9 22h6M12 8c1.2 1.6 2 2.6 2 3.6a2 2 0 0 1-4 0c0-1 .8-2 2-3.6z"/>'),
  television: svg('<rect x="3" y="5" width="18" height="12" rx="2"/><path d="M8 21h8M12 17v4"/>'),
  roboticvacuum: svg('<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="3"/><path d="M7.5 7.5h9"/>'),
  fingerprintlock: svg('<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/><circle cx="12" cy="16" r="1.4"/>'),
  sensor: svg('<path d="M14 14.8V5a2 2 0 0 0-4 0v9.8a4 4 0 1 0 4 0z"/><path d="M12 9v7"/>'),
  generic: svg('<rect x="4" y="4" width="16" height="16" rx="4"/><circle cx="12" cy="12" r="3"/>'),
};

export const icon = (cat) => ICONS[cat] ?? ICONS.generic;

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// ---------------------------------------------------------------------------------- helpers

function setText(el, slot, text) {
  const node = el.querySelector(`[data-slot="${slot}"]`);
  if (node && node.textContent !== text) node.textContent = text;
}

function setVar(el, name, val) {
  const text = String(val);
  if (el.style.getPropertyValue(name) !== text) el.style.setProperty(name, text);
}

const deg = (v) => (v === undefined || v === null ? "–" : `${number(Number(v), 1)}°`);
const pct = (v) => (v === undefined || v === null ? "–" : `${number(Number(v))}%`);
const isOn = (s) => s.powerstate === "on" || s.powerstate === true;

/** Approximate RGB of black-body light at ``kelvin`` (after Tanner Helland). */
export function kelvinToRgb(kelvin) {
  const k = Math.min(40000, Math.max(1000, kelvin)) / 100;
  const clamp = (x) => Math.round(Math.min(255, Math.max(0, x)));
  const r = k <= 66 ? 255 : 329.7 * (k - 60) ** -0.1332;
  const g = k <= 66 ? 99.47 * Math.log(k) - 161.12 : 288.12 * (k - 60) ** -0.0755;
  const b = k >= 66 ? 255 : k <= 19 ? 0 : 138.52 * Math.log(k - 10) - 305.04;
  return `rgb(${clamp(r)}, ${clamp(g)}, ${clamp(b)})`;
}

export function lightColor(s) {
  if (typeof s.color === "string" && s.color.toUpperCase() !== "#FFFFFF") return s.color;
  if (typeof s.colorTemperature === "number") return kelvinToRgb(s.colorTemperature);
  return "#ffd98a";
}

// ---------------------------------------------------------------------------------- per category

const readout = '<div class="readout"><b data-slot="main"></b><span data-slot="sub"></span></div>';
const meter = (cls = "") => `<div class="meter ${cls}"><i></i></div>`;

const climate = (unit) => ({
  skeleton: `<div class="thermo"><b data-slot="main"></b><span data-slot="sub"></span></div><div class="chips"><span data-slot="mode"></span><span data-slot="wind"></span></div>`,
  apply(el, s) {
    const on = isOn(s);
    const target = unit === "%" ? pct(s.humidity) : deg(s.temperature);
    const now = unit === "%" ? s.currentHumidity : s.currentTemperature;
    setText(el, "main", on ? target : value("off"));
    setText(el, "sub", now === undefined ? (on ? "" : target) : t("device.now", { v: unit === "%" ? pct(now) : deg(now) }));
    setText(el, "mode", s.mode !== undefined && on ? value(s.mode) : "");
    setText(el, "wind", s.windspeed !== undefined && on ? t("device.speed", { v: s.windspeed }) : "");
    el.dataset.mode = on ? String(s.mode ?? "") : "";
    if (unit !== "%" && typeof now === "number" && typeof s.temperature === "number") {
      el.dataset.trend = !on || Math.abs(now - s.temperature) < 0.3 ? "steady" : now > s.temperature ? "down" : "up";
    }
    return on;
  },
});

const RENDERERS = {
  light: {
    skeleton: `<div class="lamp"><div class="bulb"></div>${meter("brightness")}</div>${readout}`,
    apply(el, s) {
      const on = isOn(s);
      setVar(el, "--level", (Number(s.brightness ?? 100) / 100).toFixed(2));
      setVar(el, "--light", lightColor(s));
      setText(el, "main", on ? pct(s.brightness ?? 100) : value("off"));
      const tint = typeof s.color === "string" && s.color.toUpperCase() !== "#FFFFFF" ? value(s.color)
        : s.colorTemperature !== undefined ? `${s.colorTemperature} K` : "";
      setText(el, "sub", tint);
      return on;
    },
  },
  curtain: {
    skeleton: `<div class="window"><i class="pane left"></i><i class="pane right"></i></div>${readout}`,
    apply(el, s) {
      const pos = Number(s.position ?? 0);
      setVar(el, "--pos", pos);
      setText(el, "main", pos <= 0 ? value("closed") : t("device.open", { v: number(pos) }));
      setText(el, "sub", s.motion && s.motion !== "stopped" ? `${value(s.motion)}…` : "");
      el.dataset.motion = s.motion ?? "stopped";
      return pos > 0;
    },
  },
  aircondition: climate("°"),
  heater: climate("°"),
  waterheater: climate("°"),
  humidifier: climate("%"),
  roboticvacuum: {
    skeleton: `<div class="robot"><i class="disc"></i></div>${readout}${meter("battery")}`,
    apply(el, s) {
      const battery = Number(s.battery ?? 0);
      setVar(el, "--level", (battery / 100).toFixed(2));
      setText(el, "main", value(s.status ?? (isOn(s) ? "cleaning" : "docked")));
      setText(el, "sub", t("device.battery", { v: battery }));
      el.dataset.status = s.status ?? "";
      el.dataset.low = battery < 20 ? "true" : "false";
      return s.status === "cleaning";
    },
  },
  fingerprintlock: {
    skeleton: `<div class="padlock">${ICONS.fingerprintlock}</div>${readout}`,
    apply(el, s) {
      const locked = s.lockstate !== "unlocked";
      el.dataset.lock = locked ? "locked" : "unlocked";
      setText(el, "main", value(locked ? "locked" : "unlocked"));
      setText(el, "sub", s.battery !== undefined ? t("device.battery", { v: s.battery }) : "");
      return !locked;
    },
  },
  sensor: {
    skeleton: `<div class="tiles"><div><b data-slot="temp"></b><small>°C</small></div><div><b data-slot="hum"></b><small>%RH</small></div><div><b data-slot="pm"></b><small>PM2.5</small></div></div>`,
    apply(el, s) {
      setText(el, "temp", s.temperature === undefined ? "–" : number(Number(s.temperature), 1));
      setText(el, "hum", s.humidity === undefined ? "–" : number(Number(s.humidity)));
      setText(el, "pm", s["pm2.5"] === undefined ? "–" : number(Number(s["pm2.5"])));
      el.dataset.air = airQuality(s["pm2.5"]);
      return true;
    },
  },
  airpurifier: {
    skeleton: `<div class="tiles single"><div><b data-slot="pm"></b><small>PM2.5</small></div></div>${readout}`,
    apply(el, s) {
      const on = isOn(s);
      setText(el, "pm", s["pm2.5"] === undefined ? "–" : number(Number(s["pm2.5"])));
      setText(el, "main", on ? value(s.mode ?? "on") : value("off"));
      setText(el, "sub", on && s.windspeed !== undefined ? t("device.speed", { v: s.windspeed }) : "");
      el.dataset.air = airQuality(s["pm2.5"]);
      return on;
    },
  },
  television: {
    skeleton: `<div class="screen"><span data-slot="channel"></span></div>${readout}`,
    apply(el, s) {
      const on = isOn(s);
      setText(el, "channel", on ? String(s.channel ?? "") : "");
      setText(el, "main", on ? t("device.channel", { v: s.channel ?? "–" }) : value("off"));
      const mute = s.mute === true || s.mute === "on";
      setText(el, "sub", on ? (mute ? t("device.muted") : t("device.volume", { v: s.volume ?? "–" })) : "");
      return on;
    },
  },
  fan: {
    skeleton: `<div class="rotor">${ICONS.fan}</div>${readout}`,
    apply(el, s) {
      const on = isOn(s);
      setVar(el, "--spin", `${(1.6 / Math.max(1, Number(s.windspeed ?? 1))).toFixed(2)}s`);
      setText(el, "main", on ? t("device.speed", { v: s.windspeed ?? "–" }) : value("off"));
      const extra = [s.mode ? value(s.mode) : "", s.swing === "on" ? t("device.swing") : ""].filter(Boolean);
      setText(el, "sub", on ? extra.join(" · ") : "");
      return on;
    },
  },
  switch: {
    skeleton: `<div class="toggle"><i></i></div>${readout}`,
    apply(el, s) {
      const on = isOn(s);
      setText(el, "main", value(on ? "on" : "off"));
      setText(el, "sub", s.power !== undefined ? `${number(Number(s.power), 1)} W` : "");
      return on;
    },
  },
  generic: {
    skeleton: readout,
    apply(el, s) {
      const entries = Object.entries(s);
      const on = isOn(s);
      setText(el, "main", s.powerstate !== undefined ? value(on ? "on" : "off") : entries.length ? `${entries[0][1]}` : "");
      setText(el, "sub", entries.filter(([k]) => k !== "powerstate").slice(0, 2).map(([k, v]) => `${k} ${v}`).join(" · "));
      return on;
    },
  },
};
RENDERERS.outlet = RENDERERS.switch;

function airQuality(pm) {
  if (pm === undefined) return "";
  const v = Number(pm);
  return v <= 35 ? "good" : v <= 75 ? "fair" : v <= 150 ? "poor" : "bad";
}

const renderer = (cat) => RENDERERS[cat] ?? RENDERERS.generic;

/** The HTML of a card for device ``d`` (a DeviceView); ``applyState`` fills it in. */
export function cardHtml(d) {
  const cat = d.category;
  return `<article class="card cat-${escapeHtml(cat)}" data-device="${escapeHtml(d.id)}" tabindex="0">
  <header><span class="icon">${icon(cat)}</span><div class="titles"><h3 data-slot="name"></h3><p data-slot="meta"></p><p class="since" data-slot="since"></p></div><span class="badge" data-slot="badge"></span></header>
  <div class="viz">${renderer(cat).skeleton}</div>
</article>`;
}

/** Bring a card up to date with ``d`` (cheap when nothing changed). */
export function applyState(el, d) {
  setText(el, "name", display(d.names, d.id));
  setText(el, "meta", `${d.brand} · ${category(d.category)}`);
  // when the device first registered: a newcomer posing as a known device stands out
  const since = el.querySelector('[data-slot="since"]');
  const first = typeof d.firstRegistered === "number" ? d.firstRegistered : null;
  setText(el, "since", first === null ? "" : t("device.since", { v: when(first) }));
  const iso = first === null ? "" : new Date(first * 1000).toISOString();
  if (since && since.title !== iso) since.title = iso;
  const online = d.online ? "true" : "false";
  if (el.dataset.online !== online) el.dataset.online = online;
  setText(el, "badge", d.online ? "" : t("device.offline"));
  const active = renderer(d.category).apply(el, d.state ?? {});
  const power = active ? "on" : "off";
  if (el.dataset.power !== power) el.dataset.power = power;
}
