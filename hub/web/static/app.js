// Genie Sim dashboard: one live stream (server-sent events) feeds everything; updates are applied
// once per animation frame, touching only the cards that changed.

import { applyState, cardHtml, escapeHtml, icon } from "./cards.js";
import * as i18n from "./i18n.js";

const { t } = i18n;
const $ = (sel, root = document) => root.querySelector(sel);

const CARDS_PER_ROOM = 48; // a room shows this many cards until "show all"
const MESSAGES_KEPT = 500; // inspector buffer
const MESSAGE_ROWS = 250; // inspector rows in the page
const BRANDS_PAGE = 60;
const SUGGESTIONS_SHOWN = 3; // per language
const ROOM_CHIPS = 12; // rooms shown as chips; the others are in a list

// ------------------------------------------------------------------------------------------ access

const TOKEN_KEY = "genie-token";
(function takeTokenFromAddress() {
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    sessionStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  }
})();
const token = () => sessionStorage.getItem(TOKEN_KEY);

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers ?? {}) };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  if (response.status === 401) askForToken();
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const data = await response.json();
      if (typeof data.detail === "string") detail = data.detail;
    } catch { /* not JSON */ }
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? null : response.json();
}

// ------------------------------------------------------------------------------------------ state

const state = {
  hub: null,
  devices: new Map(), // id -> DeviceView
  roomNames: new Map(), // room id -> names
  messages: [], // newest last
  suggestions: { zh: [], en: [], fr: [] },
  exchanges: new Map(), // request id -> <li>
  tab: "home",
  room: "all",
  filter: "",
  expanded: new Set(),
  msgDevice: "",
  msgDirection: "",
  msgPaused: false,
  live: false,
};

// Updates that arrived since the last frame.
const pending = { devices: new Map(), removed: new Set(), messages: [], skipped: 0, hub: null, structure: false };
let frameRequested = false;
function scheduleFrame() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(applyPending);
  }
}

// ------------------------------------------------------------------------------------------ live stream

let source = null;
function connect() {
  if (source) source.close();
  const url = token() ? `/api/events?token=${encodeURIComponent(token())}` : "/api/events";
  const mine = new EventSource(url);
  source = mine;
  source.addEventListener("snapshot", (e) => onSnapshot(JSON.parse(e.data)));
  source.addEventListener("devices", (e) => {
    const batch = JSON.parse(e.data);
    for (const d of batch.devices) {
      const known = state.devices.get(d.id);
      if (!known || known.room !== d.room || display(known.names) !== display(d.names)) pending.structure = true;
      pending.devices.set(d.id, d);
    }
    for (const id of batch.removed) {
      pending.removed.add(id);
      pending.structure = true;
    }
    scheduleFrame();
  });
  source.addEventListener("messages", (e) => {
    const batch = JSON.parse(e.data);
    pending.messages.push(...batch.messages);
    pending.skipped += batch.skipped;
    if (pending.messages.length > MESSAGES_KEPT) pending.messages.splice(0, pending.messages.length - MESSAGES_KEPT);
    scheduleFrame();
  });
  source.addEventListener("command", (e) => onCommandEvent(JSON.parse(e.data)));
  source.addEventListener("announce", (e) => onAnnouncement(JSON.parse(e.data)));
  source.addEventListener("hub", (e) => {
    pending.hub = JSON.parse(e.data);
    scheduleFrame();
  });
  source.onopen = () => setLive(true);
  source.onerror = async () => {
    setLive(false);
    // EventSource retries by itself; find out whether it is the token that is wrong. Close this stream, not
    // `source`: by the time the answer comes the user may have typed the token and connect() opened another.
    try { await api("/api/hub"); } catch (err) { if (err.status === 401) mine.close(); }
  };
}

const display = (names) => i18n.display(names);

function setLive(live) {
  state.live = live;
  $("#banner").hidden = live;
  if (!live) $("#banner").textContent = t("live.lost");
  document.body.dataset.live = live ? "true" : "false";
}

function onSnapshot(snap) {
  setLive(true);
  state.hub = snap.hub;
  state.devices = new Map(snap.devices.map((d) => [d.id, d]));
  state.roomNames = new Map(snap.rooms.map((r) => [r.id, r.names]));
  state.messages = snap.messages;
  state.suggestions = snap.suggestions;
  pending.devices.clear();
  pending.removed.clear();
  pending.messages = [];
  renderHub();
  renderHome();
  renderSuggestions();
  loadAutomations();
  renderConversation(snap.commands);
  renderMessages();
}

function applyPending() {
  frameRequested = false;
  if (pending.hub) {
    state.hub = pending.hub;
    pending.hub = null;
    renderHub();
  }
  if (pending.devices.size || pending.removed.size) {
    const changed = [...pending.devices.values()];
    for (const d of changed) {
      state.devices.set(d.id, d);
      if (d.room && !state.roomNames.has(d.room)) state.roomNames.set(d.room, d.roomNames);
    }
    for (const id of pending.removed) state.devices.delete(id);
    pending.devices.clear();
    pending.removed.clear();
    if (pending.structure) {
      pending.structure = false;
      renderHome();
    } else {
      patchHome(changed);
    }
    if (dialogDevice && changed.some((d) => d.id === dialogDevice)) renderDialog();
  }
  if (pending.messages.length) {
    const fresh = pending.messages;
    pending.messages = [];
    state.messages.push(...fresh);
    if (state.messages.length > MESSAGES_KEPT) state.messages.splice(0, state.messages.length - MESSAGES_KEPT);
    if (!state.msgPaused) appendMessages(fresh, pending.skipped);
    pending.skipped = 0;
  }
}

// ------------------------------------------------------------------------------------------ hub status

function renderHub() {
  const hub = state.hub;
  if (!hub) return;
  const el = $("#hub-status");
  el.dataset.connected = hub.connected ? "true" : "false";
  $(".state", el).textContent = hub.connected ? t("hub.connected") : t("hub.disconnected");
  $(".online", el).textContent = t("hub.online", { online: i18n.number(hub.online), devices: i18n.number(hub.devices) });
  $(".commands", el).textContent = t(hub.commands === 1 ? "hub.command" : "hub.commands", { n: hub.commands });
  el.title = `${hub.hubId} ${hub.version}`;
}

// ------------------------------------------------------------------------------------------ home

const cards = new Map(); // device id -> element

function roomOrder() {
  const counts = new Map();
  for (const d of state.devices.values()) counts.set(d.room, (counts.get(d.room) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).map(([id]) => id);
}

function roomName(id) {
  return id ? i18n.display(state.roomNames.get(id), id) : t("home.noroom");
}

function matches(d, words) {
  if (!words.length) return true;
  const hay = [d.id, d.brand, d.model, d.category, i18n.category(d.category), ...Object.values(d.names ?? {}).flat(),
    ...Object.values(d.roomNames ?? {}).flat()].join(" ").toLowerCase();
  return words.every((w) => hay.includes(w));
}

function renderHome() {
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rooms = roomOrder();
  const byRoom = new Map(rooms.map((r) => [r, []]));
  for (const d of state.devices.values()) byRoom.get(d.room).push(d);
  renderRoomChips(rooms, byRoom);
  const parts = [];
  for (const room of rooms) {
    if (state.room !== "all" && state.room !== room) continue;
    const devices = byRoom.get(room).filter((d) => matches(d, words)).sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
    if (!devices.length) continue;
    const limit = state.expanded.has(room) ? devices.length : CARDS_PER_ROOM;
    const more = devices.length > CARDS_PER_ROOM
      ? `<button class="more" data-room-toggle="${escapeHtml(room)}">${state.expanded.has(room) ? t("home.less") : t("home.more", { n: devices.length })}</button>` : "";
    parts.push(`<section class="room" data-room="${escapeHtml(room)}">
      <header><h2>${escapeHtml(roomName(room))}</h2><span class="count" data-room-count></span></header>
      <div class="grid">${devices.slice(0, limit).map(cardHtml).join("")}</div>${more}</section>`);
  }
  const container = $("#rooms");
  const none = state.devices.size ? "home.nomatch" : "home.empty";
  container.innerHTML = parts.join("") || `<p class="empty" data-i18n="${none}">${t(none)}</p>`;
  cards.clear();
  for (const el of container.querySelectorAll(".card")) {
    cards.set(el.dataset.device, el);
    applyState(el, state.devices.get(el.dataset.device));
  }
  updateCounts(byRoom);
  const ids = [...state.devices.keys()].sort();
  if (ids.join(" ") !== deviceIds) {
    deviceIds = ids.join(" ");
    $("#msg-devices").innerHTML = ids.map((id) => `<option value="${escapeHtml(id)}">${escapeHtml(display(state.devices.get(id).names))}</option>`).join("");
  }
}
let deviceIds = "";

function patchHome(changed) {
  for (const d of changed) {
    const el = cards.get(d.id);
    if (el) applyState(el, d);
  }
  updateCounts();
}

function updateCounts(byRoom) {
  if (!byRoom) {
    byRoom = new Map();
    for (const d of state.devices.values()) {
      if (!byRoom.has(d.room)) byRoom.set(d.room, []);
      byRoom.get(d.room).push(d);
    }
  }
  let online = 0;
  for (const d of state.devices.values()) online += d.online ? 1 : 0;
  $("#summary").textContent = t("home.summary", { rooms: i18n.number(byRoom.size), devices: i18n.number(state.devices.size), online: i18n.number(online) });
  for (const section of document.querySelectorAll("#rooms .room")) {
    const list = byRoom.get(section.dataset.room) ?? [];
    const on = list.filter((d) => d.online).length;
    section.querySelector("[data-room-count]").textContent = t("home.room", { n: list.length, online: on });
    section.dataset.offline = on < list.length ? "true" : "false";
  }
}

function renderRoomChips(rooms, byRoom) {
  // the most populated rooms as chips; with many rooms, the rest in a list (a fleet may have hundreds)
  const shown = rooms.slice(0, ROOM_CHIPS);
  if (state.room !== "all" && !shown.includes(state.room) && byRoom.has(state.room)) shown.push(state.room);
  const chip = (id, label, n) => `<button class="chip" data-room-chip="${escapeHtml(id)}" aria-pressed="${state.room === id}">${escapeHtml(label)} <small>${i18n.number(n)}</small></button>`;
  const chips = [chip("all", t("home.all"), state.devices.size), ...shown.map((r) => chip(r, roomName(r), byRoom.get(r).length))];
  const rest = rooms.filter((r) => !shown.includes(r));
  if (rest.length) {
    const options = rest.map((r) => [r, roomName(r)]).sort((a, b) => a[1].localeCompare(b[1], i18n.lang()))
      .map(([r, name]) => `<option value="${escapeHtml(r)}">${escapeHtml(name)} (${byRoom.get(r).length})</option>`);
    chips.push(`<select id="more-rooms" class="chip"><option value="">${t("home.moreRooms", { n: i18n.number(rest.length) })}</option>${options.join("")}</select>`);
  }
  $("#room-chips").innerHTML = chips.join("");
}

// ------------------------------------------------------------------------------------------ conversation

let nextId = 0;
const newRequestId = () => `r${Date.now().toString(36)}${(nextId++).toString(36)}${Math.random().toString(36).slice(2, 7)}`;

function deviceName(id) {
  const d = state.devices.get(id);
  return d ? display(d.names) || id : id;
}

function exchangeHtml(text, lang) {
  return `<div class="bubble user"><span class="lang">${escapeHtml((lang ?? "").toUpperCase())}</span><span class="text">${escapeHtml(text)}</span></div>
    <div class="bubble genie pending"><p class="reply">${t("chat.thinking")}</p><ul class="actions"></ul></div>`;
}

function fillExchange(li, result) {
  const genie = $(".genie", li);
  genie.classList.remove("pending");
  genie.classList.toggle("ok", result.ok);
  genie.classList.toggle("fail", !result.ok);
  const userLang = $(".user .lang", li);
  if (userLang) userLang.textContent = result.lang.toUpperCase();
  $(".reply", genie).textContent = result.reply;
  if (!$(".speak", genie)) {
    const button = document.createElement("button");
    button.className = "speak";
    button.type = "button";
    button.textContent = "🔊";
    button.title = t("chat.speak");
    button.addEventListener("click", () => speakReply(button, result.reply, result.lang));
    genie.append(button);
  }
  $(".actions", genie).innerHTML = (result.actions ?? []).map((a) => {
    const good = a.result === "SUCCESS";
    const params = Object.entries(a.params ?? {}).map(([k, v]) => `${k}=${v}`).join(" ");
    return `<li class="${good ? "ok" : "fail"}" title="${escapeHtml(a.message ?? "")}"><span class="mark">${good ? "✓" : "✕"}</span>${escapeHtml(deviceName(a.device))} · ${escapeHtml(a.action)}${params ? ` <code>${escapeHtml(params)}</code>` : ""}${good ? "" : ` <em>${escapeHtml(a.result)}</em>`}</li>`;
  }).join("");
}

async function speakReply(button, text, lang) {
  button.disabled = true;
  try {
    const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
    const response = await fetch(`/api/speech?lang=${encodeURIComponent(lang)}&text=${encodeURIComponent(text)}`, { headers });
    if (!response.ok) {
      let detail = `${response.status}`;
      try { detail = (await response.json()).detail ?? detail; } catch { /* not JSON */ }
      throw new Error(detail);
    }
    const audio = new Audio(URL.createObjectURL(await response.blob()));
    await audio.play();
  } catch (err) {
    button.title = t("chat.error", { e: err.message });
    button.classList.add("failed");
  } finally {
    button.disabled = false;
  }
}

function addExchange(text, lang, requestId) {
  const list = $("#chat");
  $(".empty", list)?.remove();
  const li = document.createElement("li");
  li.className = "exchange";
  if (requestId) li.dataset.request = requestId;
  li.innerHTML = exchangeHtml(text, lang);
  list.append(li);
  while (list.children.length > 200) list.firstElementChild.remove();
  if (requestId) state.exchanges.set(requestId, li);
  li.scrollIntoView({ block: "end" });
  return li;
}

function renderConversation(commands) {
  const list = $("#chat");
  list.innerHTML = "";
  state.exchanges.clear();
  for (const result of commands) fillExchange(addExchange(result.text, result.lang), result);
  if (!commands.length) list.innerHTML = `<li class="empty" data-i18n="chat.empty">${t("chat.empty")}</li>`;
}

function onCommandEvent(event) {
  loadAutomations(); // a command may have set, cancelled or made something
  if (event.requestId && state.exchanges.has(event.requestId)) return; // ours: the POST answers it
  fillExchange(addExchange(event.result.text, event.result.lang), event.result);
}

/** What the hub said unasked (a timer fired, a routine ran): a genie bubble with no question before it. */
function onAnnouncement(said) {
  if (said.source === "timer") loadAutomations(); // it is gone, or moved to its next time
  const list = $("#chat");
  $(".empty", list)?.remove();
  const li = document.createElement("li");
  li.className = "exchange announcement";
  li.innerHTML = `<div class="bubble genie pending"><span class="source">${escapeHtml(t(`chat.${said.source}`))}</span><p class="reply"></p><ul class="actions"></ul></div>`;
  list.append(li);
  while (list.children.length > 200) list.firstElementChild.remove();
  fillExchange(li, { ...said, text: "", reply: said.text });
  li.scrollIntoView({ block: "end" });
}

async function sendCommand(text, lang = null) {
  text = text.trim();
  if (!text) return;
  const requestId = newRequestId();
  const li = addExchange(text, lang, requestId);
  try {
    const speaker = $("#speaker-select").value || null; // the speaker the page speaks as: its room is "here"
    const result = await api("/api/commands", { method: "POST", body: { text, lang, requestId, speaker } });
    fillExchange(li, result);
  } catch (err) {
    const genie = $(".genie", li);
    genie.classList.remove("pending");
    genie.classList.add("fail");
    $(".reply", genie).textContent = t("chat.error", { e: err.message });
  }
  li.scrollIntoView({ block: "end" });
}

// ------------------------------------------------------------------------------------------ scenes and timers

let automations = { scenes: [], timers: [] };

async function loadAutomations() {
  try { automations = await api("/api/automations"); } catch { return; }
  renderAutomations();
}

function renderSpeakers() {
  const select = $("#speaker-select");
  const speakers = automations.speakers ?? [];
  const chosen = select.value;
  select.hidden = !speakers.length;
  select.title = t("chat.speakerTitle");
  select.innerHTML = `<option value="">${escapeHtml(t("chat.noSpeaker"))}</option>` + speakers.map((s) =>
    `<option value="${escapeHtml(s.id)}">${escapeHtml(t("chat.speaker", { room: s.room ? i18n.display(s.roomNames, s.room) : t("home.noroom") }))}</option>`).join("");
  if (speakers.some((s) => s.id === chosen)) select.value = chosen;
}

function renderAutomations() {
  renderSpeakers();
  const { scenes, timers } = automations;
  $("#automations").hidden = !scenes.length && !timers.length;
  $("#scenes").innerHTML = scenes.map((s) =>
    `<button class="scene" type="button" data-scene="${escapeHtml(display(s.names))}" title="${escapeHtml(t("scenes.run"))}: ${escapeHtml(s.actions.join(" · "))}">${escapeHtml(display(s.names))}</button>`).join("");
  $("#timer-row").hidden = !timers.length;
  $("#timers").innerHTML = timers.map((timer) => {
    const at = new Date(timer.due * 1000);
    const when = at.toLocaleString(i18n.lang() === "en" ? "en-GB" : i18n.lang(), { weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
    const repeat = timer.repeat ? ` <em>${escapeHtml(t("timers.every"))} ${escapeHtml(timer.repeat)}</em>` : "";
    return `<li class="timer" data-timer="${timer.id}"><span class="when">${escapeHtml(when)}</span> ${escapeHtml(timer.text)}${repeat} <button class="cancel" type="button" title="${escapeHtml(t("timers.cancel"))}" aria-label="${escapeHtml(t("timers.cancel"))}">×</button></li>`;
  }).join("");
}

function renderSuggestions() {
  const rows = i18n.LANGS.map((lang) => (state.suggestions[lang] ?? []).slice(0, SUGGESTIONS_SHOWN).map((text) =>
    `<button class="suggestion" data-lang="${lang}" data-text="${escapeHtml(text)}" type="button"><span class="lang">${lang.toUpperCase()}</span>${escapeHtml(text)}</button>`).join(""));
  $("#suggestions").innerHTML = rows.join("");
}

// ------------------------------------------------------------------------------------------ message inspector

const time = (at) => {
  const d = new Date(at * 1000);
  return `${d.toLocaleTimeString(i18n.lang() === "en" ? "en-GB" : i18n.lang(), { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
};

function messageVisible(m) {
  return (!state.msgDevice || m.device === state.msgDevice || (m.device ?? "").includes(state.msgDevice))
    && (!state.msgDirection || m.direction === state.msgDirection);
}

/** A one-line reading of a payload: the message name and what it carries. */
function summarize(m) {
  let data;
  try { data = JSON.parse(m.payload); } catch { return { name: "", text: m.payload.slice(0, 160) }; }
  const name = data?.header?.name ?? "";
  const p = data?.payload ?? data;
  let text;
  if (Array.isArray(p?.properties)) text = p.properties.map((x) => `${x.name}=${x.value}`).join("  ");
  else if (p?.status) text = `${p.status}${p.reason ? ` (${p.reason})` : ""}`;
  else if (p?.errorCode) text = `${p.errorCode}${p.message ? `: ${p.message}` : ""}`;
  else if (p?.reply) text = `“${p.text}” → ${p.reply}`;
  else if (p?.text) text = `“${p.text}”`;
  else if (p?.attribute !== undefined && p?.attribute !== null) text = `${p.attribute}=${p.value}`;
  else if (p?.deviceName) text = `${p.deviceName} · ${p.brand ?? ""} ${p.model ?? ""}`;
  else text = Object.entries(p ?? {}).filter(([k]) => k !== "deviceId").slice(0, 4).map(([k, v]) => `${k}=${typeof v === "object" ? "…" : v}`).join("  ");
  return { name, text: text.length > 200 ? `${text.slice(0, 200)}…` : text };
}

function messageRow(m) {
  const { name, text } = summarize(m);
  return `<tr class="msg ${m.direction}" data-seq="${m.seq}" data-device="${escapeHtml(m.device ?? "")}" title="${escapeHtml(m.topic)}">
    <td class="time">${time(m.at)}</td>
    <td class="dir"><span title="${m.direction === "in" ? t("msg.in") : t("msg.out")}">${m.direction === "in" ? "↘" : "↗"}</span></td>
    <td class="device">${escapeHtml(m.device ?? "hub")}</td>
    <td><span class="kind kind-${escapeHtml(m.kind)}">${escapeHtml(m.kind)}</span></td>
    <td class="payload"><b>${escapeHtml(name)}</b> <code>${escapeHtml(text)}</code></td></tr>`;
}

function renderMessages() {
  const shown = state.messages.filter(messageVisible).slice(-MESSAGE_ROWS).reverse();
  $("#messages-body").innerHTML = shown.map(messageRow).join("");
  for (const row of $("#messages-body").querySelectorAll("tr.msg")) {
    if (openMessages.has(row.dataset.seq)) showMessage(row); // what was opened stays open when the list is redrawn
  }
  $("#messages-empty").hidden = shown.length > 0;
  updateMessageCount();
}

function appendMessages(fresh, skipped) {
  const rows = fresh.filter(messageVisible).reverse();
  if (rows.length) {
    const body = $("#messages-body");
    body.insertAdjacentHTML("afterbegin", rows.map(messageRow).join(""));
    while (body.children.length > MESSAGE_ROWS) body.lastElementChild.remove();
    $("#messages-empty").hidden = true;
  }
  if (skipped) $("#messages-skipped").textContent = t("msg.skipped", { n: skipped });
  updateMessageCount();
}

function updateMessageCount() {
  $("#messages-count").textContent = t("msg.count", { n: $("#messages-body").children.length, max: MESSAGES_KEPT });
}

async function filterMessagesByDevice(device) {
  state.msgDevice = device.trim();
  if (state.msgDevice && state.devices.has(state.msgDevice)) {
    // the hub keeps more per device than the page's shared buffer holds for a quiet device
    try {
      const older = await api(`/api/messages?device=${encodeURIComponent(state.msgDevice)}&limit=${MESSAGES_KEPT}`);
      const seen = new Set(state.messages.map((m) => m.seq));
      state.messages = [...older.filter((m) => !seen.has(m.seq)), ...state.messages].sort((a, b) => a.seq - b.seq).slice(-MESSAGES_KEPT * 2);
    } catch { /* shown from what the page has */ }
  }
  renderMessages();
}

const openMessages = new Set(); // the seq of each message whose whole payload is shown

function toggleMessage(row) {
  const next = row.nextElementSibling;
  if (next?.classList.contains("detail")) { next.remove(); openMessages.delete(row.dataset.seq); return; }
  openMessages.add(row.dataset.seq);
  showMessage(row);
}

function showMessage(row) {
  const m = state.messages.find((x) => String(x.seq) === row.dataset.seq);
  if (!m) return;
  let pretty = m.payload;
  try { pretty = JSON.stringify(JSON.parse(m.payload), null, 2); } catch { /* not JSON: shown as it is */ }
  row.insertAdjacentHTML("afterend", `<tr class="detail"><td colspan="5"><pre>${escapeHtml(pretty)}</pre><p>${m.size} B${m.truncated ? " (truncated)" : ""} · ${escapeHtml(m.topic)}</p></td></tr>`);
}

// ------------------------------------------------------------------------------------------ brands

const brandsView = { loaded: false, category: null, q: "", items: [], total: 0, catalogue: null };

async function loadBrands() {
  if (brandsView.loaded) return;
  brandsView.loaded = true;
  $("#brands-status").textContent = t("brands.loading");
  try {
    brandsView.catalogue = await api("/api/brands/categories");
    $("#brands-status").textContent = "";
    renderBrandCategories();
    await loadBrandPage(true);
  } catch (err) {
    brandsView.loaded = false;
    $("#brands-status").textContent = t("brands.unavailable", { e: err.message });
    $("#brands").dataset.unavailable = "true";
  }
}

function renderBrandCategories() {
  const cat = brandsView.catalogue;
  if (!cat) return;
  $("#brands-summary").textContent = t("brands.summary", { brands: i18n.number(cat.brands), products: i18n.number(cat.products) });
  const most = Math.max(...cat.categories.map((c) => c.brands), 1);
  const items = [`<li><button class="category" data-category="" aria-pressed="${!brandsView.category}">
      <span class="icon">${icon("generic")}</span><span class="name">${t("brands.all")}</span>
      <span class="counts">${t("brands.summary", { brands: i18n.number(cat.brands), products: i18n.number(cat.products) })}</span></button></li>`];
  for (const c of cat.categories) {
    items.push(`<li><button class="category" data-category="${escapeHtml(c.id)}" aria-pressed="${brandsView.category === c.id}" style="--share:${(c.brands / most).toFixed(3)}">
      <span class="icon">${icon(c.id)}</span><span class="name">${escapeHtml(i18n.category(c.id))}</span>
      <span class="counts" data-brands="${c.brands}">${t("brands.category", { brands: i18n.number(c.brands), products: i18n.number(c.products) })}</span><i class="share"></i></button></li>`);
  }
  $("#brand-categories").innerHTML = items.join("");
}

async function loadBrandPage(fresh) {
  const offset = fresh ? 0 : brandsView.items.length;
  const params = new URLSearchParams({ offset, limit: BRANDS_PAGE });
  if (brandsView.category) params.set("category", brandsView.category);
  if (brandsView.q) params.set("q", brandsView.q);
  const asked = params.toString();
  brandsView.asked = asked;
  const page = await api(`/api/brands?${asked}`);
  if (brandsView.asked !== asked) return; // a newer query is on its way
  brandsView.items = fresh ? page.items : [...brandsView.items, ...page.items];
  brandsView.total = page.total;
  renderBrandList();
}

function renderBrandList() {
  const rows = brandsView.items.map((b) => `<li><button class="brand" data-brand="${escapeHtml(b.id)}">
      <span class="name">${escapeHtml(b.name)}${b.zh ? ` <span class="zh">${escapeHtml(b.zh)}</span>` : ""}</span>
      ${b.inHome ? `<span class="tag">${t("brands.inHome")}</span>` : ""}
      <span class="cats">${b.categories.map((c) => `<span class="mini" title="${escapeHtml(i18n.category(c))}">${icon(c)}</span>`).join("")}</span>
      <span class="n">${t(b.products === 1 ? "brands.product" : "brands.products", { n: b.products })}</span></button></li>`);
  $("#brand-list").innerHTML = rows.join("") || `<li class="empty">${t("brands.none")}</li>`;
  $("#brands-shown").textContent = t("brands.shown", { shown: i18n.number(brandsView.items.length), total: i18n.number(brandsView.total) });
  $("#brands-more").hidden = brandsView.items.length >= brandsView.total;
}

async function showBrand(id) {
  const detail = await api(`/api/brands/${encodeURIComponent(id)}`);
  const b = detail.brand;
  const byCat = new Map();
  for (const p of detail.products) {
    if (!byCat.has(p.category)) byCat.set(p.category, []);
    byCat.get(p.category).push(p);
  }
  const groups = [...byCat.entries()].map(([c, products]) => `<section><h4><span class="icon">${icon(c)}</span>${escapeHtml(i18n.category(c))} <small>${products.length}</small></h4>
    <ul class="products">${products.map((p) => `<li><b>${escapeHtml(p.generic ? t("brands.generic") : p.model)}</b> <span class="conn">${escapeHtml(i18n.value(p.connectivity))}</span><span class="desc">${escapeHtml(p.description)}</span></li>`).join("")}</ul></section>`);
  openDialog(`<header><h3>${escapeHtml(b.name)}${b.zh ? ` · ${escapeHtml(b.zh)}` : ""}</h3>${b.inHome ? `<span class="tag">${t("brands.inHome")}</span>` : ""}</header>
    <p class="muted">${t(b.products === 1 ? "brands.product" : "brands.products", { n: b.products })}${detail.aliases.length ? ` · ${t("brands.aliases")}: ${escapeHtml(detail.aliases.join(", "))}` : ""}</p>
    <p class="muted small">${t("brands.source")}: ${escapeHtml(detail.source.join("; "))}</p>${groups.join("")}`);
}

// ------------------------------------------------------------------------------------------ dialog (device / brand)

let dialogDevice = null;

function openDialog(html) {
  const dialog = $("#dialog");
  $(".dialog-body", dialog).innerHTML = html;
  if (!dialog.open) dialog.showModal();
}

async function showDevice(id) {
  dialogDevice = id;
  renderDialog();
  try {
    const entries = await api(`/api/devices/${encodeURIComponent(id)}/history?limit=60`);
    if (dialogDevice !== id) return;
    const now = Date.now() / 1000;
    const rows = entries.slice().reverse().map((h) => {
      const changes = Object.entries(h.changes).map(([k, v]) => `<code>${escapeHtml(i18n.property(k))} ${escapeHtml(i18n.reading(k, v))}</code>`).join(" ");
      return `<li><time>${i18n.ago(now - h.at)}</time><span class="dot ${h.online ? "on" : "off"}"></span>${changes || (h.online ? t("device.wentOnline") : t("device.wentOffline"))}</li>`;
    });
    $("#dialog .history").innerHTML = rows.join("") || `<li class="empty">${t("device.nohistory")}</li>`;
    $("#dialog .spark").innerHTML = sparkline(entries);
  } catch (err) {
    $("#dialog .history").innerHTML = `<li class="empty">${escapeHtml(err.message)}</li>`;
  }
}

function renderDialog() {
  const d = state.devices.get(dialogDevice);
  if (!d) return;
  const props = Object.entries(d.state ?? {}).map(([k, v]) => `<tr><th>${escapeHtml(i18n.property(k))}</th><td>${escapeHtml(i18n.reading(k, v))}</td></tr>`).join("");
  const body = $("#dialog .dialog-body");
  if (!body.querySelector(`[data-dialog-device="${CSS.escape(d.id)}"]`)) {
    openDialog(`<div data-dialog-device="${escapeHtml(d.id)}"><header><span class="icon big">${icon(d.category)}</span><div><h3></h3><p class="muted"></p></div><span class="pill"></span></header>
      <div class="columns"><div><h4>${t("device.properties")}</h4><table class="props"></table><div class="spark"></div></div>
      <div><h4>${t("device.history")}</h4><ol class="history"></ol></div></div></div>`);
  }
  $("h3", body).textContent = display(d.names) || d.id;
  $("header .muted", body).textContent = `${roomName(d.room)} · ${d.brand} ${d.model} · ${i18n.category(d.category)} · ${t("device.id")} ${d.id}`;
  const pill = $(".pill", body);
  pill.textContent = d.online ? t("device.online") : t("device.offline");
  pill.dataset.online = d.online;
  $(".props", body).innerHTML = props;
}

function sparkline(entries) {
  // the numeric property that changed most often, over the kept history
  const series = new Map();
  for (const h of entries) {
    for (const [k, v] of Object.entries(h.changes)) {
      if (typeof v === "number") {
        if (!series.has(k)) series.set(k, []);
        series.get(k).push([h.at, v]);
      }
    }
  }
  const best = [...series.entries()].filter(([, pts]) => pts.length >= 3).sort((a, b) => b[1].length - a[1].length)[0];
  if (!best) return "";
  const [name, pts] = best;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const w = 280, h = 60;
  const path = pts.map(([x, y], i) => `${i ? "L" : "M"}${((x - x0) / (x1 - x0 || 1) * w).toFixed(1)},${(h - 4 - (y - y0) / (y1 - y0 || 1) * (h - 8)).toFixed(1)}`).join("");
  return `<h4>${escapeHtml(i18n.property(name))} <small>${i18n.number(y0, 1)} – ${i18n.number(y1, 1)}</small></h4><svg viewBox="0 0 ${w} ${h}" class="sparkline"><path d="${path}"/></svg>`;
}

// ------------------------------------------------------------------------------------------ token prompt

function askForToken() {
  const dialog = $("#token-dialog");
  if (!dialog.open) dialog.showModal();
}

// ------------------------------------------------------------------------------------------ tabs, language, events

function showTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll("[data-tab]")) button.setAttribute("aria-selected", String(button.dataset.tab === tab));
  for (const panel of document.querySelectorAll(".tab-panel")) panel.hidden = panel.id !== `tab-${tab}`;
  if (tab === "brands") loadBrands();
  if (tab === "messages") renderMessages();
  history.replaceState(null, "", `#${tab}`);
}

function setLanguage(lang) {
  i18n.setLang(lang);
  localStorage.setItem("genie-lang", i18n.lang());
  for (const button of document.querySelectorAll("[data-lang-switch]")) button.setAttribute("aria-pressed", String(button.dataset.langSwitch === i18n.lang()));
  i18n.translate();
  renderHub();
  renderHome();
  renderMessages();
  renderBrandCategories();
  renderAutomations();
  if (brandsView.loaded) renderBrandList();
  if (dialogDevice && $("#dialog").open) { $("#dialog .dialog-body").innerHTML = ""; showDevice(dialogDevice); }
}

function defaultLanguage() {
  const saved = localStorage.getItem("genie-lang");
  if (i18n.LANGS.includes(saved)) return saved;
  const nav = (navigator.language || "en").slice(0, 2);
  return i18n.LANGS.includes(nav) ? nav : "en";
}

function wire() {
  for (const button of document.querySelectorAll("[data-tab]")) button.addEventListener("click", () => showTab(button.dataset.tab));
  for (const button of document.querySelectorAll("[data-lang-switch]")) button.addEventListener("click", () => setLanguage(button.dataset.langSwitch));
  $("#command-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("#command-input");
    sendCommand(input.value);
    input.value = "";
  });
  $("#scenes").addEventListener("click", (e) => {
    const button = e.target.closest("[data-scene]");
    if (button) sendCommand(button.dataset.scene, i18n.lang()); // said, as a person would: it shows in the conversation
  });
  $("#timers").addEventListener("click", async (e) => {
    const item = e.target.closest(".cancel") && e.target.closest("[data-timer]");
    if (!item) return;
    try { await api(`/api/timers/${item.dataset.timer}`, { method: "DELETE" }); } catch { /* already gone */ }
    loadAutomations();
  });
  $("#suggestions").addEventListener("click", (e) => {
    const chip = e.target.closest(".suggestion");
    if (chip) sendCommand(chip.dataset.text, chip.dataset.lang);
  });
  $("#reset-home").addEventListener("click", async () => {
    const li = addExchange("reset", "en", newRequestId());
    try { fillExchange(li, await api("/api/reset", { method: "POST" })); } catch (err) { $(".reply", li).textContent = t("chat.error", { e: err.message }); }
  });
  let filterTimer = 0;
  $("#device-filter").addEventListener("input", (e) => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => { state.filter = e.target.value; renderHome(); }, 120);
  });
  $("#room-chips").addEventListener("change", (e) => {
    if (e.target.id === "more-rooms" && e.target.value) { state.room = e.target.value; renderHome(); }
  });
  $("#room-chips").addEventListener("click", (e) => {
    const chip = e.target.closest("[data-room-chip]");
    if (chip) { state.room = chip.dataset.roomChip; renderHome(); }
  });
  $("#rooms").addEventListener("click", (e) => {
    const toggle = e.target.closest("[data-room-toggle]");
    if (toggle) {
      const room = toggle.dataset.roomToggle;
      if (state.expanded.has(room)) state.expanded.delete(room); else state.expanded.add(room);
      renderHome();
      return;
    }
    const card = e.target.closest(".card");
    if (card) showDevice(card.dataset.device);
  });
  $("#rooms").addEventListener("keydown", (e) => {
    const card = e.target.closest(".card");
    if (card && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showDevice(card.dataset.device); }
  });
  $("#dialog").addEventListener("close", () => { dialogDevice = null; });
  $("#dialog").addEventListener("click", (e) => { if (e.target === $("#dialog")) $("#dialog").close(); });
  let msgTimer = 0;
  $("#msg-device").addEventListener("input", (e) => {
    clearTimeout(msgTimer);
    msgTimer = setTimeout(() => filterMessagesByDevice(e.target.value), 150);
  });
  $("#msg-direction").addEventListener("change", (e) => { state.msgDirection = e.target.value; renderMessages(); });
  $("#msg-pause").addEventListener("click", (e) => {
    state.msgPaused = !state.msgPaused;
    e.currentTarget.setAttribute("aria-pressed", String(state.msgPaused));
    e.currentTarget.textContent = state.msgPaused ? t("msg.resume") : t("msg.pause");
    if (!state.msgPaused) renderMessages();
  });
  $("#messages-body").addEventListener("click", (e) => {
    const row = e.target.closest("tr.msg");
    if (row) toggleMessage(row);
  });
  $("#brand-categories").addEventListener("click", (e) => {
    const button = e.target.closest("[data-category]");
    if (!button) return;
    brandsView.category = button.dataset.category || null;
    renderBrandCategories();
    loadBrandPage(true);
  });
  let brandTimer = 0;
  $("#brand-search").addEventListener("input", (e) => {
    clearTimeout(brandTimer);
    brandTimer = setTimeout(() => { brandsView.q = e.target.value.trim(); loadBrandPage(true); }, 150);
  });
  $("#brands-more").addEventListener("click", () => loadBrandPage(false));
  $("#brand-list").addEventListener("click", (e) => {
    const button = e.target.closest("[data-brand]");
    if (button) showBrand(button.dataset.brand);
  });
  $("#token-form").addEventListener("submit", () => {
    sessionStorage.setItem(TOKEN_KEY, $("#token-input").value.trim());
    connect();
    if (brandsView.loaded === false && state.tab === "brands") loadBrands();
  });
}

// ------------------------------------------------------------------------------------------ homes

// The homes this process serves, each with its own dashboard: the switcher goes to the chosen one's page
// (another port, so another origin: the token goes along in the address).
async function loadHomes() {
  let homes;
  try { homes = await api("/api/homes"); } catch { return; }
  const select = $("#home-switch");
  if (!Array.isArray(homes) || homes.length < 2) { select.hidden = true; return; }
  select.innerHTML = homes.map((h) => `<option value="${escapeHtml(h.url)}"${h.current ? " selected" : ""}>${escapeHtml(h.id ?? "-")}</option>`).join("");
  select.hidden = false;
}

function switchHome(url) {
  const tk = token();
  location.href = `${url}/${tk ? `?token=${encodeURIComponent(tk)}` : ""}`;
}

wire();
$("#home-switch").addEventListener("change", (e) => switchHome(e.target.value));
loadHomes();
setLanguage(defaultLanguage());
showTab(["home", "messages", "brands"].includes(location.hash.slice(1)) ? location.hash.slice(1) : "home");
connect();
