"""The coverage run's own words: how people name devices, properties and values in zh, en and fr.

Written for the coverage run alone, from how people talk to a speaker, and never read from the hub's
language files: a generator that borrowed the parser's phrases would only test that the parser agrees with
itself. The first word of each list is the plainest; every word of a list is accepted in a reply.
"""

from __future__ import annotations

from dataclasses import dataclass

Lang = str


@dataclass(frozen=True)
class Noun:
    """A noun and, in French, its article (``la ``, ``le ``, ``l'``, ``les ``)."""

    text: str
    article: str = ""
    gender: str = "m"
    """French gender, ``m`` or ``f``; plural when the article is ``les ``."""

    def the(self, lang: Lang) -> str:
        """With its article: 灯 · the light · la lumière."""
        if lang == "zh":
            return self.text
        return f"the {self.text}" if lang == "en" else f"{self.article}{self.text}"

    def of(self, lang: Lang) -> str:
        """As a complement: 灯的 · of the light · de la lumière (du, des: contracted)."""
        if lang == "zh":
            return f"{self.text}的"
        if lang == "en":
            return f"of the {self.text}"
        contracted = {"le ": "du ", "les ": "des "}.get(self.article, f"de {self.article}")
        return f"{contracted}{self.text}"

    def agree(self, adjective: str) -> str:
        """A French adjective or participle agreeing with this noun: allumé -> allumée, allumés."""
        if " " in adjective:  # "en marche": nothing to agree
            return adjective
        word = adjective + ("e" if self.gender == "f" and not adjective.endswith("e") else "")
        return word + ("s" if self.article == "les " and not word.endswith("s") else "")


def _fr(*pairs: str) -> list[Noun]:
    """French nouns from "la lumière"-style strings; after l' or les, "/f" marks a feminine noun."""
    nouns = []
    for pair in pairs:
        pair, _, marked = pair.partition("/")
        if pair.startswith("l'"):
            article, text = "l'", pair[2:]
        else:
            article, _, text = pair.partition(" ")
            article += " "
        gender = "f" if article == "la " or marked == "f" else "m"
        nouns.append(Noun(text, article, gender))
    return nouns


def _plain(*texts: str) -> list[Noun]:
    return [Noun(t) for t in texts]


DEVICES: dict[str, dict[Lang, list[Noun]]] = {
    "light": {"zh": _plain("灯", "电灯"), "en": _plain("light", "lamp"), "fr": _fr("la lumière", "la lampe")},
    "switch": {"zh": _plain("开关"), "en": _plain("switch"), "fr": _fr("l'interrupteur")},
    "outlet": {"zh": _plain("插座"), "en": _plain("plug", "socket"), "fr": _fr("la prise")},
    "curtain": {"zh": _plain("窗帘"), "en": _plain("curtains"), "fr": _fr("le rideau")},
    "aircondition": {"zh": _plain("空调"), "en": _plain("air conditioner", "AC"),
                     "fr": _fr("la clim", "le climatiseur")},
    "fan": {"zh": _plain("风扇", "电风扇"), "en": _plain("fan"), "fr": _fr("le ventilateur")},
    "airpurifier": {"zh": _plain("空气净化器", "净化器"), "en": _plain("air purifier", "purifier"),
                    "fr": _fr("le purificateur d'air", "le purificateur")},
    "humidifier": {"zh": _plain("加湿器"), "en": _plain("humidifier"), "fr": _fr("l'humidificateur")},
    "heater": {"zh": _plain("取暖器", "电暖器"), "en": _plain("heater", "space heater"),
               "fr": _fr("le radiateur", "le chauffage")},
    "waterheater": {"zh": _plain("热水器"), "en": _plain("water heater"), "fr": _fr("le chauffe-eau")},
    "television": {"zh": _plain("电视", "电视机"), "en": _plain("TV", "television"),
                   "fr": _fr("la télé", "la télévision")},
    "roboticvacuum": {"zh": _plain("扫地机器人", "扫地机"), "en": _plain("robot vacuum", "vacuum"),
                      "fr": _fr("l'aspirateur robot", "le robot aspirateur")},
    "fingerprintlock": {"zh": _plain("门锁", "智能锁"), "en": _plain("door lock", "front door"),
                        "fr": _fr("la serrure", "la porte")},
    "sensor": {"zh": _plain("传感器", "温湿度计"), "en": _plain("sensor"), "fr": _fr("le capteur")},
}
"""How people call one device of each category."""

PROPERTIES: dict[str, dict[Lang, list[Noun]]] = {
    "brightness": {"zh": _plain("亮度"), "en": _plain("brightness"), "fr": _fr("la luminosité")},
    "color": {"zh": _plain("颜色"), "en": _plain("colour", "color"), "fr": _fr("la couleur")},
    "colorTemperature": {"zh": _plain("色温"), "en": _plain("colour temperature", "color temperature"),
                         "fr": _fr("la température de couleur")},
    "temperature": {"zh": _plain("温度"), "en": _plain("temperature"), "fr": _fr("la température")},
    "windspeed": {"zh": _plain("风速", "风量"), "en": _plain("fan speed", "speed"), "fr": _fr("la vitesse")},
    "mode": {"zh": _plain("模式"), "en": _plain("mode"), "fr": _fr("le mode")},
    "volume": {"zh": _plain("音量"), "en": _plain("volume"), "fr": _fr("le volume")},
    "channel": {"zh": _plain("频道"), "en": _plain("channel"), "fr": _fr("la chaîne")},
    "humidity": {"zh": _plain("湿度"), "en": _plain("humidity"), "fr": _fr("l'humidité/f")},
    "position": {"zh": _plain("开合度"), "en": _plain("position"), "fr": _fr("l'ouverture/f")},
    "currentTemperature": {"zh": _plain("室温", "当前温度"), "en": _plain("room temperature", "current temperature"),
                           "fr": _fr("la température ambiante", "la température actuelle")},
    "currentHumidity": {"zh": _plain("室内湿度", "当前湿度"), "en": _plain("room humidity", "current humidity"),
                        "fr": _fr("l'humidité ambiante/f", "l'humidité actuelle/f")},
    "pm2.5": {"zh": _plain("PM2.5"), "en": _plain("PM2.5", "PM2.5 level"), "fr": _fr("le taux de PM2.5")},
    "battery": {"zh": _plain("电量"), "en": _plain("battery", "battery level"), "fr": _fr("la batterie")},
    "power": {"zh": _plain("功率"), "en": _plain("power draw", "power"), "fr": _fr("la puissance")},
}
"""How people name a property; ``temperature`` of a sensor, ``humidity`` of a sensor are read-only readings."""

WATER = {"zh": _plain("水温"), "en": _plain("water temperature"), "fr": _fr("la température de l'eau")}
"""A water heater's current temperature is the water's."""

SPEEDS: dict[object, dict[Lang, list[str]]] = {
    1: {"zh": ["低档", "低速", "一档", "1档", "低风", "弱风"], "en": ["low", "slow"],
        "fr": ["faible", "lente", "basse", "douce"]},
    2: {"zh": ["中档", "中速", "二档", "2档", "中风", "两档"], "en": ["medium", "middle"],
        "fr": ["moyenne", "intermédiaire"]},
    3: {"zh": ["高档", "高速", "三档", "3档", "强风", "高风"], "en": ["high", "fast", "full"],
        "fr": ["élevée", "rapide", "forte", "haute", "maximale"]},
    "auto": {"zh": ["自动"], "en": ["auto", "automatic"], "fr": ["automatique", "auto"]},
}
"""Fan speed levels as people say them (a number read out as a bare digit is not how anyone says it)."""

MODES: dict[str, dict[Lang, list[str]]] = {
    "cold": {"zh": ["制冷", "冷风"], "en": ["cooling", "cool", "cold"], "fr": ["froid", "refroidissement", "clim"]},
    "heat": {"zh": ["制热", "暖风", "制暖"], "en": ["heating", "heat", "warm"], "fr": ["chauffage", "chaud"]},
    "auto": {"zh": ["自动"], "en": ["auto", "automatic"], "fr": ["automatique", "auto"]},
    "airsupply": {"zh": ["送风", "通风"], "en": ["fan only", "fan", "ventilation"],
                  "fr": ["ventilation", "ventilateur"]},
    "dehumidification": {"zh": ["除湿", "抽湿"], "en": ["dry", "dehumidify", "dehumidifying", "dehumidification"],
                         "fr": ["déshumidification", "sec", "déshumidificateur"]},
    "sleep": {"zh": ["睡眠"], "en": ["sleep", "night"], "fr": ["nuit", "sommeil"]},
    "manual": {"zh": ["手动"], "en": ["manual"], "fr": ["manuel"]},
    "normalWind": {"zh": ["正常风", "标准风", "普通风"], "en": ["normal", "standard"], "fr": ["normal", "standard"]},
    "natureWind": {"zh": ["自然风"], "en": ["natural breeze", "natural", "nature"],
                   "fr": ["naturel", "brise naturelle"]},
    "sleepWind": {"zh": ["睡眠风"], "en": ["sleep", "night"], "fr": ["nuit", "sommeil"]},
    "quiet": {"zh": ["安静", "静音"], "en": ["quiet", "silent"], "fr": ["silencieux", "silence"]},
    "standard": {"zh": ["标准"], "en": ["standard", "normal"], "fr": ["standard", "normal"]},
    "strong": {"zh": ["强力", "强劲"], "en": ["strong", "max", "turbo", "powerful"],
               "fr": ["fort", "puissant", "turbo", "max"]},
}
"""Mode values of every category, as people say them."""

COLOURS: dict[str, tuple[str, dict[Lang, list[str]]]] = {
    "red": ("#FF0000", {"zh": ["红色", "红"], "en": ["red"], "fr": ["rouge"]}),
    "green": ("#008000", {"zh": ["绿色", "绿"], "en": ["green"], "fr": ["vert", "verte"]}),
    "blue": ("#0000FF", {"zh": ["蓝色", "蓝"], "en": ["blue"], "fr": ["bleu", "bleue"]}),
    "yellow": ("#FFFF00", {"zh": ["黄色", "黄"], "en": ["yellow"], "fr": ["jaune"]}),
    "orange": ("#FFA500", {"zh": ["橙色", "橘色"], "en": ["orange"], "fr": ["orange"]}),
    "purple": ("#800080", {"zh": ["紫色", "紫"], "en": ["purple"], "fr": ["violet", "violette"]}),
    "pink": ("#FFC0CB", {"zh": ["粉色", "粉红色"], "en": ["pink"], "fr": ["rose"]}),
    "white": ("#FFFFFF", {"zh": ["白色", "白光"], "en": ["white"], "fr": ["blanc", "blanche"]}),
    "cyan": ("#00FFFF", {"zh": ["青色"], "en": ["cyan"], "fr": ["cyan"]}),
}
"""Colour names and the CSS colour each means (CSS green is #008000; #00FF00 is lime)."""

STATES: dict[str, dict[object, dict[Lang, list[str]]]] = {
    "power": {"on": {"zh": ["开着", "已开", "打开", "开启", "运行", "开的"], "en": ["on"],
                     "fr": ["allumé", "allumée", "allumés", "allumées", "en marche"]},
              "off": {"zh": ["关着", "关闭", "已关", "关了", "关的", "没开", "未开"], "en": ["off", "not on"],
                      "fr": ["éteint", "éteinte", "éteints", "éteintes", "arrêté", "arrêtée", "pas allumé",
                             "pas allumée"]}},
    "curtain": {"on": {"zh": ["开着", "打开", "拉开", "开的"], "en": ["open"], "fr": ["ouvert", "ouverts", "ouverte"]},
                "off": {"zh": ["关着", "关闭", "拉上", "合上", "关的"], "en": ["closed", "shut", "not open"],
                        "fr": ["fermé", "fermés", "fermée", "pas ouvert"]}},
    "vacuum": {"on": {"zh": ["正在清扫", "在清扫", "清扫中", "在打扫", "正在扫地", "在扫地", "工作", "开着"],
                      "en": ["cleaning", "on"], "fr": ["nettoie", "nettoyer", "nettoyage", "en marche", "allumé"]},
               "off": {"zh": ["关着", "停", "充电", "回充", "待机", "关闭"],
                       "en": ["off", "docked", "charging", "on its dock", "on the dock", "not cleaning"],
                       "fr": ["éteint", "arrêté", "base", "charge", "ne nettoie pas"]}},
    "lockstate": {"locked": {"zh": ["锁着", "锁上", "锁好", "已锁", "上锁"], "en": ["locked"],
                             "fr": ["verrouillée", "verrouillé", "fermée à clé"]},
                  "unlocked": {"zh": ["没锁", "未锁", "没有锁", "没有上锁", "开着", "已开锁", "解锁"],
                               "en": ["unlocked", "not locked"],
                               "fr": ["déverrouillée", "déverrouillé", "ouverte", "pas verrouillée",
                                      "pas verrouillé"]}},
    "mute": {True: {"zh": ["静音"], "en": ["muted", "mute"], "fr": ["sourdine", "muet", "coupé"]},
             False: {"zh": ["没有静音", "未静音", "有声音", "取消静音"], "en": ["not muted", "unmuted", "sound on"],
                     "fr": ["pas en sourdine", "son activé", "pas muet", "non muet"]}},
    "swing": {"on": {"zh": ["摇头", "摆风"], "en": ["oscillating", "oscillation on", "swinging", "on"],
                     "fr": ["oscille", "oscillation activée", "oscillation", "activée"]},
              "off": {"zh": ["不摇头", "停止摇头", "关闭摇头", "没有摇头", "没摇头", "关"],
                      "en": ["not oscillating", "off", "not swinging"],
                      "fr": ["n'oscille pas", "oscillation désactivée", "désactivée", "arrêtée"]}},
    "motion": {"stopped": {"zh": ["停", "没有动", "不动", "静止"], "en": ["stopped", "not moving", "still"],
                           "fr": ["arrêté", "immobile", "ne bouge pas", "à l'arrêt"]}},
    "status": {"docked": {"zh": ["充电", "回充", "座", "待机", "停靠"], "en": ["dock", "charging"],
                          "fr": ["base", "charge", "station"]},
               "cleaning": {"zh": ["正在清扫", "在清扫", "清扫中", "在打扫", "正在扫地", "在扫地"], "en": ["cleaning"],
                            "fr": ["nettoie", "nettoyer", "nettoyage"]}},
}
"""The words that say each state of the properties a reply reads out as words."""
