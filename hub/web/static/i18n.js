// The page's words in zh, en and fr. Device and room names come from the devices themselves.

export const LANGS = ["zh", "en", "fr"];
export const LANG_LABELS = { zh: "中文", en: "EN", fr: "FR" };

const UI = {
  "tab.home": { zh: "家", en: "Home", fr: "Maison" },
  "tab.messages": { zh: "消息", en: "Messages", fr: "Messages" },
  "tab.brands": { zh: "品牌", en: "Brands", fr: "Marques" },
  "hub.connected": { zh: "已连接", en: "connected", fr: "connecté" },
  "hub.disconnected": { zh: "未连接代理", en: "broker unreachable", fr: "courtier injoignable" },
  "hub.online": { zh: "{online}/{devices} 在线", en: "{online}/{devices} online", fr: "{online}/{devices} en ligne" },
  "hub.command": { zh: "1 条指令", en: "1 command", fr: "1 commande" },
  "hub.commands": { zh: "{n} 条指令", en: "{n} commands", fr: "{n} commandes" },
  "live.lost": { zh: "与中枢的连接已断开，正在重连…", en: "Lost the hub — reconnecting…", fr: "Hub perdu — reconnexion…" },
  "home.filter": { zh: "筛选设备：名称、品牌、类别…", en: "Filter devices: name, brand, category…", fr: "Filtrer : nom, marque, catégorie…" },
  "home.all": { zh: "全部", en: "All", fr: "Tout" },
  "home.summary": { zh: "{rooms} 个房间 · {devices} 台设备 · {online} 台在线", en: "{rooms} rooms · {devices} devices · {online} online", fr: "{rooms} pièces · {devices} appareils · {online} en ligne" },
  "home.room": { zh: "{n} 台 · {online} 在线", en: "{n} devices · {online} online", fr: "{n} appareils · {online} en ligne" },
  "home.moreRooms": { zh: "另外 {n} 个房间…", en: "{n} more rooms…", fr: "{n} autres pièces…" },
  "home.more": { zh: "显示全部 {n} 台", en: "Show all {n}", fr: "Tout afficher ({n})" },
  "home.less": { zh: "收起", en: "Show fewer", fr: "Réduire" },
  "home.empty": { zh: "还没有设备。启动设备后它们会出现在这里。", en: "No devices yet. They appear here as they come online.", fr: "Aucun appareil pour l'instant. Ils apparaissent ici dès qu'ils sont en ligne." },
  "home.nomatch": { zh: "没有匹配的设备", en: "No device matches", fr: "Aucun appareil ne correspond" },
  "home.noroom": { zh: "未分配房间", en: "No room", fr: "Sans pièce" },
  "device.offline": { zh: "离线", en: "Offline", fr: "Hors ligne" },
  "device.online": { zh: "在线", en: "Online", fr: "En ligne" },
  "device.since": { zh: "首次注册 {v}", en: "First registered {v}", fr: "Inscrit le {v}" },
  "device.now": { zh: "当前 {v}", en: "now {v}", fr: "actuel {v}" },
  "device.battery": { zh: "电量 {v}%", en: "battery {v}%", fr: "batterie {v} %" },
  "device.volume": { zh: "音量 {v}", en: "volume {v}", fr: "volume {v}" },
  "device.channel": { zh: "{v} 频道", en: "CH {v}", fr: "chaîne {v}" },
  "device.muted": { zh: "静音", en: "muted", fr: "muet" },
  "device.speed": { zh: "{v} 档", en: "speed {v}", fr: "vitesse {v}" },
  "device.swing": { zh: "摇头", en: "swing", fr: "oscillation" },
  "device.open": { zh: "打开 {v}%", en: "{v}% open", fr: "ouvert à {v} %" },
  "device.properties": { zh: "属性", en: "Properties", fr: "Propriétés" },
  "device.history": { zh: "最近变化", en: "Recent changes", fr: "Changements récents" },
  "device.nohistory": { zh: "仪表盘启动后还没有变化", en: "No change since the dashboard started", fr: "Aucun changement depuis le démarrage du tableau de bord" },
  "device.wentOnline": { zh: "上线", en: "came online", fr: "en ligne" },
  "device.wentOffline": { zh: "离线", en: "went offline", fr: "hors ligne" },
  "device.close": { zh: "关闭", en: "Close", fr: "Fermer" },
  "device.id": { zh: "设备 ID", en: "Device id", fr: "Identifiant" },
  "chat.title": { zh: "对话", en: "Conversation", fr: "Conversation" },
  "chat.hint": { zh: "对天猫精灵说点什么，或点一个建议：", en: "Say something to the speaker, or tap a suggestion:", fr: "Dites quelque chose à l'enceinte, ou touchez une suggestion :" },
  "chat.placeholder": { zh: "例如：打开客厅的灯", en: "e.g. turn on the floor lamp", fr: "par ex. allume la lampe de bureau" },
  "chat.send": { zh: "发送", en: "Send", fr: "Envoyer" },
  "chat.speaker": { zh: "{room}", en: "{room}", fr: "{room}" },
  "chat.noSpeaker": { zh: "不限房间", en: "any room", fr: "toute pièce" },
  "chat.speakerTitle": { zh: "以哪个房间的音箱说话", en: "The speaker you speak to: its room is “here”", fr: "L'enceinte à qui vous parlez : sa pièce est « ici »" },
  "chat.you": { zh: "你", en: "You", fr: "Vous" },
  "chat.genie": { zh: "精灵", en: "Genie", fr: "Genie" },
  "chat.thinking": { zh: "思考中…", en: "thinking…", fr: "je réfléchis…" },
  "chat.speak": { zh: "朗读这句回答", en: "Speak this reply", fr: "Lire cette réponse à voix haute" },
  "scenes.title": { zh: "场景", en: "Scenes", fr: "Scénarios" },
  "scenes.run": { zh: "执行场景", en: "Run this scene", fr: "Lancer ce scénario" },
  "timers.title": { zh: "定时", en: "Timers", fr: "Minuteurs" },
  "timers.cancel": { zh: "取消这个定时", en: "Cancel this timer", fr: "Annuler ce minuteur" },
  "timers.every": { zh: "重复", en: "repeats", fr: "répété" },
  "chat.timer": { zh: "定时", en: "Timer", fr: "Minuteur" },
  "chat.routine": { zh: "自动化", en: "Routine", fr: "Automatisme" },
  "chat.error": { zh: "请求失败：{e}", en: "The request failed: {e}", fr: "La requête a échoué : {e}" },
  "chat.empty": { zh: "还没有对话。", en: "No conversation yet.", fr: "Pas encore de conversation." },
  "chat.reset": { zh: "重置家", en: "Reset home", fr: "Réinitialiser" },
  "msg.filter": { zh: "按设备筛选（ID）", en: "Filter by device (id)", fr: "Filtrer par appareil (id)" },
  "msg.all": { zh: "全部方向", en: "Both ways", fr: "Deux sens" },
  "msg.in": { zh: "设备 → 中枢", en: "to the hub", fr: "vers le hub" },
  "msg.out": { zh: "中枢 → 设备", en: "from the hub", fr: "depuis le hub" },
  "msg.pause": { zh: "暂停", en: "Pause", fr: "Pause" },
  "msg.resume": { zh: "继续", en: "Resume", fr: "Reprendre" },
  "msg.count": { zh: "显示 {n} 条（最近 {max} 条）", en: "showing {n} (the last {max})", fr: "{n} affichés (les {max} derniers)" },
  "msg.skipped": { zh: "为保持流畅省略了 {n} 条", en: "{n} left out to keep up", fr: "{n} omis pour suivre le rythme" },
  "msg.empty": { zh: "还没有消息", en: "No message yet", fr: "Aucun message" },
  "msg.time": { zh: "时间", en: "Time", fr: "Heure" },
  "msg.device": { zh: "设备", en: "Device", fr: "Appareil" },
  "msg.kind": { zh: "类型", en: "Kind", fr: "Type" },
  "msg.topic": { zh: "主题", en: "Topic", fr: "Sujet" },
  "msg.payload": { zh: "消息", en: "Message", fr: "Message" },
  "brands.title": { zh: "品牌库", en: "Brand registry", fr: "Registre des marques" },
  "brands.summary": { zh: "{brands} 个品牌 · {products} 个型号", en: "{brands} brands · {products} models", fr: "{brands} marques · {products} modèles" },
  "brands.category": { zh: "{brands} 品牌 · {products} 型号", en: "{brands} brands · {products} models", fr: "{brands} marques · {products} modèles" },
  "brands.search": { zh: "搜索品牌：名称、中文名…", en: "Search brands: name, Chinese name…", fr: "Chercher une marque…" },
  "brands.all": { zh: "全部类别", en: "All categories", fr: "Toutes catégories" },
  "brands.more": { zh: "加载更多", en: "Load more", fr: "Charger plus" },
  "brands.shown": { zh: "{shown} / {total} 个品牌", en: "{shown} of {total} brands", fr: "{shown} sur {total} marques" },
  "brands.inHome": { zh: "家中在用", en: "in your home", fr: "chez vous" },
  "brands.product": { zh: "1 个型号", en: "1 model", fr: "1 modèle" },
  "brands.products": { zh: "{n} 个型号", en: "{n} models", fr: "{n} modèles" },
  "brands.generic": { zh: "通用", en: "generic", fr: "générique" },
  "brands.unavailable": { zh: "品牌库不可用：{e}", en: "The brand registry is not available: {e}", fr: "Le registre des marques n'est pas disponible : {e}" },
  "brands.none": { zh: "没有匹配的品牌", en: "No brand matches", fr: "Aucune marque ne correspond" },
  "brands.loading": { zh: "正在读取品牌库…", en: "Reading the brand registry…", fr: "Lecture du registre…" },
  "brands.aliases": { zh: "别名", en: "Also known as", fr: "Aussi appelée" },
  "brands.source": { zh: "来源", en: "Source", fr: "Source" },
  "auth.title": { zh: "需要访问令牌", en: "Access token needed", fr: "Jeton d'accès requis" },
  "auth.text": { zh: "这个仪表盘需要令牌。请粘贴 genie up 打印的令牌。", en: "This dashboard needs its token. Paste the one `genie up` printed.", fr: "Ce tableau de bord demande son jeton : collez celui affiché par `genie up`." },
  "auth.ok": { zh: "确定", en: "OK", fr: "OK" },
  "time.ago.s": { zh: "{n} 秒前", en: "{n}s ago", fr: "il y a {n} s" },
  "time.ago.m": { zh: "{n} 分钟前", en: "{n} min ago", fr: "il y a {n} min" },
  "time.ago.h": { zh: "{n} 小时前", en: "{n} h ago", fr: "il y a {n} h" },
};

export const CATEGORIES = {
  light: { zh: "灯", en: "Light", fr: "Lumière" },
  switch: { zh: "开关", en: "Switch", fr: "Interrupteur" },
  outlet: { zh: "插座", en: "Outlet", fr: "Prise" },
  curtain: { zh: "窗帘", en: "Curtain", fr: "Rideau" },
  aircondition: { zh: "空调", en: "Air conditioner", fr: "Climatiseur" },
  fan: { zh: "风扇", en: "Fan", fr: "Ventilateur" },
  airpurifier: { zh: "空气净化器", en: "Air purifier", fr: "Purificateur" },
  humidifier: { zh: "加湿器", en: "Humidifier", fr: "Humidificateur" },
  heater: { zh: "取暖器", en: "Heater", fr: "Radiateur" },
  waterheater: { zh: "热水器", en: "Water heater", fr: "Chauffe-eau" },
  television: { zh: "电视", en: "Television", fr: "Télévision" },
  roboticvacuum: { zh: "扫地机器人", en: "Robot vacuum", fr: "Aspirateur robot" },
  fingerprintlock: { zh: "门锁", en: "Door lock", fr: "Serrure" },
  sensor: { zh: "传感器", en: "Sensor", fr: "Capteur" },
  camera: { zh: "摄像头", en: "Camera", fr: "Caméra" },
  washmachine: { zh: "洗衣机", en: "Washing machine", fr: "Lave-linge" },
  fridge: { zh: "冰箱", en: "Fridge", fr: "Réfrigérateur" },
  kettle: { zh: "水壶", en: "Kettle", fr: "Bouilloire" },
};

const VALUES = {
  on: { zh: "开", en: "On", fr: "Allumé" },
  off: { zh: "关", en: "Off", fr: "Éteint" },
  opening: { zh: "正在打开", en: "opening", fr: "ouverture" },
  closing: { zh: "正在关闭", en: "closing", fr: "fermeture" },
  stopped: { zh: "静止", en: "still", fr: "arrêté" },
  closed: { zh: "已关闭", en: "Closed", fr: "Fermé" },
  docked: { zh: "在充电座", en: "Docked", fr: "Sur sa base" },
  cleaning: { zh: "清扫中", en: "Cleaning", fr: "Nettoyage" },
  paused: { zh: "已暂停", en: "Paused", fr: "En pause" },
  returning: { zh: "回充中", en: "Returning", fr: "Retour à la base" },
  locked: { zh: "已上锁", en: "Locked", fr: "Verrouillée" },
  unlocked: { zh: "未上锁", en: "Unlocked", fr: "Déverrouillée" },
  cold: { zh: "制冷", en: "Cool", fr: "Froid" },
  heat: { zh: "制热", en: "Heat", fr: "Chaud" },
  auto: { zh: "自动", en: "Auto", fr: "Auto" },
  airsupply: { zh: "送风", en: "Fan", fr: "Ventilation" },
  dehumidification: { zh: "除湿", en: "Dry", fr: "Déshumidification" },
  quiet: { zh: "安静", en: "Quiet", fr: "Silencieux" },
  standard: { zh: "标准", en: "Standard", fr: "Standard" },
  strong: { zh: "强力", en: "Strong", fr: "Puissant" },
  normalWind: { zh: "正常风", en: "Normal", fr: "Normal" },
  natureWind: { zh: "自然风", en: "Natural", fr: "Naturel" },
  sleepWind: { zh: "睡眠风", en: "Sleep", fr: "Nuit" },
  sleep: { zh: "睡眠", en: "Sleep", fr: "Nuit" },
  manual: { zh: "手动", en: "Manual", fr: "Manuel" },
  zigbee: { zh: "Zigbee", en: "Zigbee", fr: "Zigbee" },
  local: { zh: "局域网", en: "Local network", fr: "Réseau local" },
  cloud: { zh: "云", en: "Cloud", fr: "Cloud" },
};

const COLOURS = {
  "#FF0000": { zh: "红色", en: "red", fr: "rouge" },
  "#FFA500": { zh: "橙色", en: "orange", fr: "orange" },
  "#FFFF00": { zh: "黄色", en: "yellow", fr: "jaune" },
  "#008000": { zh: "绿色", en: "green", fr: "vert" },
  "#00FF00": { zh: "青柠色", en: "lime", fr: "vert citron" },
  "#00FFFF": { zh: "青色", en: "cyan", fr: "cyan" },
  "#0000FF": { zh: "蓝色", en: "blue", fr: "bleu" },
  "#800080": { zh: "紫色", en: "purple", fr: "violet" },
  "#FFC0CB": { zh: "粉色", en: "pink", fr: "rose" },
  "#FFFFFF": { zh: "白色", en: "white", fr: "blanc" },
  "#FF00FF": { zh: "洋红色", en: "magenta", fr: "magenta" },
  "#A52A2A": { zh: "棕色", en: "brown", fr: "marron" },
  "#FFD700": { zh: "金色", en: "gold", fr: "doré" },
  "#000080": { zh: "海军蓝", en: "navy", fr: "bleu marine" },
  "#008080": { zh: "蓝绿色", en: "teal", fr: "bleu sarcelle" },
  "#40E0D0": { zh: "绿松石色", en: "turquoise", fr: "turquoise" },
  "#4B0082": { zh: "靛蓝色", en: "indigo", fr: "indigo" },
  "#FFB46B": { zh: "暖光", en: "warm white", fr: "blanc chaud" },
};

const PROPERTIES = {
  powerstate: { zh: "电源", en: "Power", fr: "Alimentation" },
  brightness: { zh: "亮度", en: "Brightness", fr: "Luminosité" },
  color: { zh: "颜色", en: "Colour", fr: "Couleur" },
  colorTemperature: { zh: "色温", en: "Colour temperature", fr: "Température de couleur" },
  temperature: { zh: "温度", en: "Temperature", fr: "Température" },
  currentTemperature: { zh: "当前温度", en: "Current temperature", fr: "Température actuelle" },
  humidity: { zh: "湿度", en: "Humidity", fr: "Humidité" },
  currentHumidity: { zh: "当前湿度", en: "Current humidity", fr: "Humidité actuelle" },
  position: { zh: "开合度", en: "Position", fr: "Position" },
  motion: { zh: "运动", en: "Motion", fr: "Mouvement" },
  mode: { zh: "模式", en: "Mode", fr: "Mode" },
  windspeed: { zh: "风速", en: "Wind speed", fr: "Vitesse" },
  swing: { zh: "摇头", en: "Swing", fr: "Oscillation" },
  volume: { zh: "音量", en: "Volume", fr: "Volume" },
  mute: { zh: "静音", en: "Mute", fr: "Muet" },
  channel: { zh: "频道", en: "Channel", fr: "Chaîne" },
  status: { zh: "状态", en: "Status", fr: "État" },
  battery: { zh: "电量", en: "Battery", fr: "Batterie" },
  lockstate: { zh: "门锁", en: "Lock", fr: "Verrou" },
  "pm2.5": { zh: "PM2.5", en: "PM2.5", fr: "PM2,5" },
  power: { zh: "功率", en: "Power draw", fr: "Puissance" },
};

const UNITS = {
  brightness: "%", temperature: "°C", currentTemperature: "°C", humidity: "%", currentHumidity: "%", position: "%",
  battery: "%", colorTemperature: " K", power: " W", "pm2.5": " µg/m³",
};

let current = "en";

export function setLang(lang) {
  current = LANGS.includes(lang) ? lang : "en";
  document.documentElement.lang = current === "zh" ? "zh-CN" : current;
}

export function lang() {
  return current;
}

function pick(entry, fallback) {
  if (!entry) return fallback;
  return entry[current] ?? entry.en ?? fallback;
}

/** A UI string, with {placeholders} filled from ``args``. */
export function t(key, args = {}) {
  const text = pick(UI[key], key);
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in args ? String(args[name]) : `{${name}}`));
}

export const category = (id) => pick(CATEGORIES[id], id);
export const value = (v) => pick(VALUES[String(v)] ?? COLOURS[String(v).toUpperCase()], String(v));
export const property = (name) => pick(PROPERTIES[name], name);
/** A property's value as people read it: translated words, numbers with their unit. */
export function reading(name, v) {
  if (typeof v === "number") return `${number(v, 1)}${UNITS[name] ?? ""}`;
  if (typeof v === "boolean") return value(v ? "on" : "off");
  return value(v);
}

/** The display name of ``names`` ({zh: [...], en: [...], fr: [...]}) in the UI language, else any. */
export function display(names, fallback = "") {
  if (!names) return fallback;
  for (const l of [current, "zh", "en", "fr"]) {
    if (names[l] && names[l].length) return names[l][0];
  }
  return fallback;
}

const formatters = new Map();
export function number(n, digits = 0) {
  const key = `${current}:${digits}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.NumberFormat(current === "zh" ? "zh-CN" : current, { maximumFractionDigits: digits }));
  }
  return formatters.get(key).format(n);
}

/** A moment (seconds since the epoch) as a date and time to the minute, in the UI language. */
export function when(seconds) {
  const locale = current === "zh" ? "zh-CN" : current === "en" ? "en-GB" : current;
  return new Date(seconds * 1000).toLocaleString(locale, { year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

export function ago(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("time.ago.s", { n: s });
  if (s < 3600) return t("time.ago.m", { n: Math.round(s / 60) });
  return t("time.ago.h", { n: Math.round(s / 3600) });
}

/** Fill every [data-i18n] (text) and [data-i18n-placeholder] element under ``root``. */
export function translate(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}
