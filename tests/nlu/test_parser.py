"""Table-driven tests of hub.nlu.understand against the demo home, in Chinese, English and French.

Each case is an utterance and exactly what understanding must produce: the language, and either
the list of intents (action, target devices/rooms/categories/everything, attribute, value, unit,
code) or the problem ("wake", "empty", "not_understood"). Cases marked ``bug=`` are known parser
bugs: they state the correct result and are strict xfails.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from hub.nlu import Catalog, CatalogDevice, Intent, Target, understand
from hub.nlu.models import ACTIONS

# ---------------------------------------------------------------------------- helpers


def T(dev: tuple[str, ...] = (), room: tuple[str, ...] = (), cat: tuple[str, ...] = (),
      *, every: bool = False, home: bool = False) -> Target:
    """A target: devices, rooms, categories, whether an "all" word was said, and whether the whole home was."""
    return Target(devices=dev, rooms=room, categories=cat, everything=every or home, home=home)


def In(action: str, target: Target | None = None, attr: str | None = None, value: Any = None,
      unit: str | None = None, code: str | None = None, state: str | None = None,
      quantifier: str | None = None) -> Intent:
    """An intent; a question ("query") asks about its devices' state unless another quantifier is given."""
    assert action in ACTIONS
    if action == "query" and quantifier is None:
        quantifier = "plain"
    return Intent(action=action, target=target or T(), attribute=attr, value=value, unit=unit, code=code,
                  state=state, quantifier=quantifier)


def case(case_id: str, text: str, lang: str, expected: str | list[Intent], *, force: str | None = None,
         bug: str | None = None) -> Any:
    """One row: ``expected`` is a problem name or the exact intents; ``force`` passes ``lang=``."""
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(text, lang, expected, force, id=case_id, marks=marks)


DESK = ("desk-lamp",)
TV = ("tv",)

# ---------------------------------------------------------------------------- Chinese

ZH = [
    case("zh-wake-then-command", "天猫精灵，打开客厅灯", "zh", [In("on", T(("living-light",)))]),
    case("zh-nihao-wake", "你好天猫精灵，打开电视", "zh", [In("on", T(TV))]),
    case("zh-wake-only", "天猫精灵", "zh", "wake"),
    case("zh-wake-only-punct", "天猫精灵！！", "zh", "wake"),
    case("zh-empty-forced", "  ，。 ", "zh", "empty", force="zh"),
    case("zh-garbage", "哈哈哈哈", "zh", "not_understood"),
    case("zh-garbage-2", "随便", "zh", "not_understood"),
    case("zh-device-name", "打开台灯", "zh", [In("on", T(DESK))]),
    case("zh-device-alias", "关闭吸顶灯", "zh", [In("off", T(("living-light",)))]),
    case("zh-category-room", "打开客厅的灯", "zh", [In("on", T(room=("living",), cat=("light",)))]),
    case("zh-category-only", "开灯", "zh", [In("on", T(cat=("light",)))]),
    case("zh-room-only", "关闭客厅", "zh", [In("off", T(room=("living",)))]),
    case("zh-all-suoyou", "关闭所有的灯", "zh", [In("off", T(cat=("light",), every=True))]),
    case("zh-all-dou", "把灯都关了", "zh", [In("off", T(cat=("light",), every=True))]),
    case("zh-all-home", "关掉家里所有的灯", "zh", [In("off", T(cat=("light",), home=True))]),
    case("zh-all-quanbu", "关闭全部", "zh", [In("off", T(every=True))]),
    case("zh-numeral-degree", "把客厅空调调到二十六度", "zh",
         [In("set", T(("living-ac",)), value=26, unit="degree")]),
    case("zh-numeral-decimal", "把卧室空调调到二十六点五度", "zh",
         [In("set", T(("bedroom-ac",)), value=26.5, unit="degree")]),
    case("zh-baifenzhi", "把台灯亮度调到百分之三十", "zh",
         [In("set", T(DESK), "brightness", 30, "percent")]),
    case("zh-liang-degrees", "把客厅空调调低两度", "zh", [In("down", T(("living-ac",)), value=2, unit="degree")]),
    case("zh-half", "把卧室的灯调到一半", "zh",
         [In("set", T(room=("bedroom",), cat=("light",)), value=50, unit="percent")]),
    case("zh-max", "把台灯亮度调到最大", "zh", [In("set", T(DESK), "brightness", "max")]),
    case("zh-numeral-at-end", "电视调到十", "zh", [In("set", T(TV), value=10)]),
    case("zh-channel", "把电视调到五台", "zh", [In("set", T(TV), value=5, unit="channel")]),
    case("zh-level", "把风扇开到三档", "zh", [In("set", T(("study-fan",)), value=3, unit="level")]),
    case("zh-relative-brighter", "把台灯调亮一点", "zh", [In("up", T(DESK), "brightness")]),
    case("zh-relative-dimmer", "台灯暗一点", "zh", [In("down", T(DESK), "brightness")]),
    case("zh-kai-yixia-not-a-number", "台灯开一下", "zh", [In("on", T(DESK))]),
    case("zh-kai-yixia-first", "开一下台灯", "zh", [In("on", T(DESK))]),
    case("zh-color", "把落地灯调成红色", "zh", [In("set", T(("floor-lamp",)), "color", "Red")]),
    case("zh-mute", "电视静音", "zh", [In("mute", T(TV))]),
    case("zh-question-power", "客厅灯开着吗", "zh", [In("query", T(("living-light",)), "powerstate", state="on")]),
    case("zh-question-liang", "卧室灯亮着吗", "zh", [In("query", T(("bedroom-light",)), "powerstate", state="on")]),
    case("zh-question-lock", "门锁锁好了吗", "zh", [In("query", T(("front-door",)), "lockstate", state="locked")]),
    case("zh-question-degrees", "客厅空调几度", "zh", [In("query", T(("living-ac",)), "temperature")]),
    case("zh-question-value", "电视的音量是多少", "zh", [In("query", T(TV), "volume")]),
    case("zh-unlock-code", "开锁，密码是123456", "zh", [In("unlock", code="123456")]),
    case("zh-unlock-cn-digits", "开锁，密码是一二三四五六", "zh", [In("unlock", code="123456")]),
    case("zh-unlock-leading-zero-arabic", "开锁密码是012345", "zh", [In("unlock", code="012345")]),
    case("zh-two-clauses", "打开台灯然后关闭风扇", "zh", [In("on", T(DESK)), In("off", T(("study-fan",)))]),
    case("zh-two-clauses-bingqie", "打开落地灯并且关闭吸顶灯", "zh",
         [In("on", T(("floor-lamp",))), In("off", T(("living-light",)))]),
    case("zh-second-clause-keeps-target", "打开卧室的灯然后调到三十", "zh",
         [In("on", T(room=("bedroom",), cat=("light",))),
          In("set", T(room=("bedroom",), cat=("light",)), value=30)]),
    case("zh-fullwidth-and-spaces", "  把台灯调到５０％  ！", "zh", [In("set", T(DESK), value=50, unit="percent")]),
    case("zh-spaces-between-words", "打开 台灯 ！！", "zh", [In("on", T(DESK))]),
    # --- formerly known bugs, fixed ---
    case("zh-dasheng-yidian", "电视大声一点", "zh", [In("up", T(TV), "volume")]),
    case("zh-kai-le-ma-is-a-question", "客厅灯开了吗", "zh",
         [In("query", T(("living-light",)), "powerstate", state="on")]),
    case("zh-kai-le-ma-off", "客厅灯关了吗", "zh", [In("query", T(("living-light",)), "powerstate", state="off")]),
    case("zh-unlock-leading-zero-cn", "开锁，密码是零一二三四五", "zh", [In("unlock", code="012345")]),
    case("zh-yibaier", "把电视调到一百二台", "zh", [In("set", T(TV), value=120, unit="channel")]),
]

# ---------------------------------------------------------------------------- English

EN = [
    case("en-wake-then-command", "Hey Genie, turn on the desk lamp", "en", [In("on", T(DESK))]),
    case("en-wake-upper", "HEY GENIE TURN ON THE TV", "en", [In("on", T(TV))]),
    case("en-wake-only", "Hey Genie", "en", "wake"),
    case("en-wake-bare", "genie", "en", "wake"),
    case("en-wake-ok", "OK Genie!", "en", "wake"),
    case("en-empty", "", "en", "empty"),
    case("en-empty-punct", "  ?! ", "en", "empty"),
    case("en-garbage", "xyzzy plugh", "en", "not_understood"),
    case("en-garbage-words", "banana bread recipe", "en", "not_understood"),
    case("en-device-name", "turn on the desk lamp", "en", [In("on", T(DESK))]),
    case("en-device-alias", "turn on the ceiling light", "en", [In("on", T(("living-light",)))]),
    case("en-gap-on", "turn the floor lamp on", "en", [In("on", T(("floor-lamp",)))]),
    case("en-gap-off", "switch the tv off", "en", [In("off", T(TV))]),
    case("en-politeness", "could you turn off the floor lamp please", "en", [In("off", T(("floor-lamp",)))]),
    case("en-category-room", "turn off the lights in the bedroom", "en",
         [In("off", T(room=("bedroom",), cat=("light",)))]),
    case("en-room-alias", "turn on the lounge light", "en", [In("on", T(room=("living",), cat=("light",)))]),
    case("en-room-alias-office", "turn on the office lamp", "en", [In("on", T(room=("study",), cat=("light",)))]),
    case("en-all-lights", "turn off all the lights", "en", [In("off", T(cat=("light",), every=True))]),
    case("en-everything", "turn off everything", "en", [In("off", T(every=True))]),
    case("en-degrees", "set the bedroom air conditioner to 24 degrees", "en",
         [In("set", T(("bedroom-ac",)), value=24, unit="degree")]),
    case("en-percent-sign", "set the desk lamp to 30%", "en", [In("set", T(DESK), value=30, unit="percent")]),
    case("en-percent-word", "set the desk lamp to 30 percent", "en", [In("set", T(DESK), value=30, unit="percent")]),
    case("en-halfway", "set the living room curtains halfway", "en",
         [In("set", T(("living-curtain",)), value=50, unit="percent")]),
    case("en-channel", "set the tv to channel 5", "en", [In("set", T(TV), "channel", 5)]),
    case("en-color", "set the floor lamp to red", "en", [In("set", T(("floor-lamp",)), "color", "Red")]),
    case("en-relative-brighter", "make the desk lamp brighter", "en", [In("up", T(DESK), "brightness")]),
    case("en-relative-louder-no-target", "louder", "en", [In("up", attr="volume")]),
    case("en-turn-up", "turn the tv up", "en", [In("up", T(TV))]),
    case("en-mute", "mute the tv", "en", [In("mute", T(TV))]),
    case("en-lock", "lock the door", "en", [In("lock", T(cat=("fingerprintlock",)))]),
    case("en-question-no-article", "is tv on", "en", [In("query", T(TV), "powerstate", state="on")]),
    case("en-question-locked", "is the front door locked", "en",
         [In("query", T(("front-door",)), "lockstate", state="locked")]),
    case("en-question-temperature", "what is the temperature in the living room", "en",
         [In("query", T(room=("living",)), "temperature")]),
    case("en-question-humidity", "what is the humidity in the bedroom", "en",
         [In("query", T(room=("bedroom",)), "humidity")]),
    case("en-unlock-code", "unlock the front door, the code is 123456", "en",
         [In("unlock", T(("front-door",)), code="123456")]),
    case("en-unlock-code-short", "unlock the door, code 012345", "en",
         [In("unlock", T(cat=("fingerprintlock",)), code="012345")]),
    case("en-and-then", "turn on the tv and then set the volume to 40", "en",
         [In("on", T(TV)), In("set", T(TV), "volume", 40)]),
    case("en-then", "hey genie, turn on the tv then turn off the fan", "en",
         [In("on", T(TV)), In("off", T(("study-fan",)))]),
    case("en-two-devices-one-clause", "turn on the tv and the fan", "en", [In("on", T(("tv", "study-fan")))]),
    case("en-extra-spaces-punct", "  turn   on ,,, the  TV !!! ", "en", [In("on", T(TV))]),
    # --- formerly known bugs, fixed ---
    case("en-question-is-the-tv-on", "is the tv on", "en", [In("query", T(TV), "powerstate", state="on")]),
]

# ---------------------------------------------------------------------------- French

FR = [
    case("fr-wake-then-command", "Génie, allume la lampe de bureau", "fr", [In("on", T(DESK))]),
    case("fr-wake-no-accent", "genie, allume le lampadaire", "fr", [In("on", T(("floor-lamp",)))]),
    case("fr-wake-colon", "Génie : mets le salon à 22 degrés", "fr",
         [In("set", T(room=("living",)), value=22, unit="degree")]),
    case("fr-wake-only-forced", "Génie", "fr", "wake", force="fr"),
    case("fr-empty-forced", "", "fr", "empty", force="fr"),
    case("fr-garbage", "le chat de la voisine", "fr", "not_understood"),
    case("fr-lampe-de-bureau-is-a-device", "allume la lampe de bureau", "fr", [In("on", T(DESK))]),
    case("fr-lampe-de-bureau-upper-no-accent", "ALLUME LA LAMPE DE BUREAU", "fr", [In("on", T(DESK))]),
    case("fr-bureau-is-a-room", "allume le bureau", "fr", [In("on", T(room=("study",)))]),
    case("fr-device-alias", "allume le plafonnier", "fr", [In("on", T(("living-light",)))]),
    case("fr-no-accents", "eteins la lumiere du salon", "fr", [In("off", T(("living-light",)))]),
    case("fr-upper-accents", "ÉTEINS LA TÉLÉ", "fr", [In("off", T(TV))]),
    case("fr-no-accent-lower", "eteins la tele", "fr", [In("off", T(TV))]),
    case("fr-category-room", "eteins les lumieres de la chambre", "fr",
         [In("off", T(room=("bedroom",), cat=("light",)))]),
    case("fr-all-lights", "éteins toutes les lumières", "fr", [In("off", T(cat=("light",), every=True))]),
    case("fr-all-house", "eteins tout dans la maison", "fr", [In("off", T(home=True))]),
    case("fr-degrees", "mets le climatiseur de la chambre à 22 degrés", "fr",
         [In("set", T(("bedroom-ac",)), value=22, unit="degree")]),
    case("fr-percent-sign", "mets la lampe de bureau à 40 %", "fr", [In("set", T(DESK), value=40, unit="percent")]),
    case("fr-percent-words", "mets la lampe de bureau a 40 pour cent", "fr",
         [In("set", T(DESK), value=40, unit="percent")]),
    case("fr-half", "ouvre les rideaux du salon à moitié", "fr",
         [In("set", T(("living-curtain",)), value=50, unit="percent")]),
    case("fr-color", "mets le plafonnier en rouge", "fr", [In("set", T(("living-light",)), "color", "Red")]),
    case("fr-relative-plus-fort", "mets la télé plus fort", "fr", [In("up", T(TV), "volume")]),
    case("fr-relative-no-target", "plus fort", "fr", [In("up", attr="volume")]),
    case("fr-volume-up", "monte le volume de la télé", "fr", [In("up", T(TV), "volume")]),
    case("fr-down", "baisse le chauffage", "fr", [In("down", T(("bathroom-heater",)))]),
    case("fr-close-curtains", "ferme les rideaux du salon", "fr", [In("off", T(("living-curtain",)))]),
    case("fr-question-temperature", "quelle est la température du salon", "fr",
         [In("query", T(room=("living",)), "temperature")]),
    case("fr-question-power", "est-ce que la télé est allumée", "fr", [In("query", T(TV), "powerstate", state="on")]),
    case("fr-question-power-short", "la télé est allumée ?", "fr", [In("query", T(TV), "powerstate", state="on")]),
    case("fr-question-lock", "la porte d'entrée est verrouillée ?", "fr",
         [In("query", T(("front-door",)), "lockstate", state="locked")]),
    case("fr-unlock-code", "déverrouille la serrure, le code est 123456", "fr",
         [In("unlock", T(("front-door",)), code="123456")]),
    case("fr-unlock-code-porte", "déverrouille la porte, code 123456", "fr",
         [In("unlock", T(cat=("fingerprintlock",)), code="123456")]),
    case("fr-puis", "allume la télé puis mets le volume à 30", "fr",
         [In("on", T(TV)), In("set", T(TV), "volume", 30)]),
    case("fr-et-puis", "allume la télé et puis éteins le lampadaire", "fr",
         [In("on", T(TV)), In("off", T(("floor-lamp",)))]),
    case("fr-extra-spaces-punct", "   allume   le   lampadaire  !!! ", "fr", [In("on", T(("floor-lamp",)))]),
    # --- formerly known bugs, fixed ---
    case("fr-tout", "éteins tout", "fr", [In("off", T(every=True))]),
    case("fr-wake-only-detected", "Génie", "fr", "wake"),
]

# ---------------------------------------------------------------------------- beyond the first cut

LIGHT = ("light",)
AC = ("aircondition",)
LOCK = ("fingerprintlock",)

MORE = [
    # questions: the state asked about and what is asked of it (which, how many, any, all)
    case("zh-which-on", "哪些灯开着", "zh", [In("query", T(cat=LIGHT), "powerstate", state="on", quantifier="which")]),
    case("zh-count-on", "有几盏灯开着", "zh",
         [In("query", T(cat=LIGHT), "powerstate", state="on", quantifier="count")]),
    case("zh-all-off", "所有的灯都关着吗", "zh",
         [In("query", T(cat=LIGHT, every=True), "powerstate", state="off", quantifier="all")]),
    case("zh-any-unlocked", "有没有门没锁", "zh",
         [In("query", T(cat=LOCK), "lockstate", state="unlocked", quantifier="any")]),
    case("zh-ac-set-to", "空调设置的是多少度", "zh", [In("query", T(cat=AC), "temperature")]),
    case("en-how-many", "how many lights are on", "en",
         [In("query", T(cat=LIGHT), "powerstate", state="on", quantifier="count")]),
    case("en-are-all", "are all the lights off", "en",
         [In("query", T(cat=LIGHT, every=True), "powerstate", state="off", quantifier="all")]),
    case("en-set-to-question", "what is the bedroom air conditioner set to", "en",
         [In("query", T(("bedroom-ac",)))]),
    case("fr-quelles", "quelles lumières sont allumées", "fr",
         [In("query", T(cat=LIGHT), "powerstate", state="on", quantifier="which")]),
    case("fr-ferme-question", "le rideau du salon est fermé ?", "fr",
         [In("query", T(cat=("curtain",), room=("living",)), "powerstate", state="closed")]),
    # a word that is both an order and a state is an order unless a question is asked
    case("fr-ferme-order", "ferme les rideaux du salon", "fr", [In("off", T(("living-curtain",)))]),
    case("zh-guan-le-order", "把灯关了", "zh", [In("off", T(cat=LIGHT))]),
    # phrases that carry their own action and property (or kind of device)
    case("zh-next-channel", "电视下一台", "zh", [In("up", T(TV), "channel")]),
    case("zh-vacuum-start", "扫地机器人开始扫地", "zh", [In("on", T(("vacuum",)))]),
    case("zh-vacuum-implied", "开始扫地", "zh", [In("on", T(cat=("roboticvacuum",)))]),
    case("en-lights-out", "lights out", "en", [In("off", T(cat=LIGHT))]),
    case("en-warmer", "make the desk lamp warmer", "en", [In("up", T(DESK), "warmth")]),
    case("fr-warmth", "mets le climatiseur du salon plus frais", "fr", [In("down", T(("living-ac",)), "warmth")]),
    case("en-cool-white", "set the floor lamp to cool white", "en",
         [In("set", T(("floor-lamp",)), "colorTemperature", 6500)]),
    case("en-media-next", "skip", "en", [In("next")]),
    case("fr-media-pause", "arrête la musique", "fr", [In("pause")]),
    # wishes are intents too, but any order said with them wins
    case("zh-implicit-gives-way", "太热了，打开客厅空调", "zh", [In("on", T(("living-ac",)))]),
    # numbers in words, relative steps and absolute values
    case("en-words", "set the bedroom air conditioner to twenty six degrees", "en",
         [In("set", T(("bedroom-ac",)), value=26, unit="degree")]),
    case("fr-words", "mets la clim du salon à vingt et un degrés", "fr",
         [In("set", T(room=("living",), cat=AC), value=21, unit="degree")]),
    case("en-by-is-a-step", "turn up the tv volume by 5", "en", [In("up", T(TV), "volume", 5)]),
    case("en-up-to-is-a-value", "turn up the tv volume to 50", "en", [In("set", T(TV), "volume", 50)]),
    case("fr-de-is-a-step", "baisse le climatiseur du salon de 2 degrés", "fr",
         [In("down", T(("living-ac",)), value=2, unit="degree")]),
    case("zh-up-to-is-a-value", "把空调调高到二十八度", "zh", [In("set", T(cat=AC), value=28, unit="degree")]),
    case("en-level-word", "set the fan to high", "en", [In("set", T(("study-fan",)), "windspeed", 3)]),
    case("fr-a-fond", "mets la télé à fond", "fr", [In("set", T(TV), value="max")]),
    # targets: the whole home, here, places the home lacks, several kinds at once
    case("en-whole-house", "turn on every light in the house", "en", [In("on", T(cat=LIGHT, home=True))]),
    case("en-here", "turn off the lights in here", "en", [In("off", Target(categories=LIGHT, here=True))]),
    case("zh-unknown-room", "打开车库的灯", "zh", [In("on", Target(categories=LIGHT, unknown=("车库",)))]),
    case("en-unknown-room", "open the curtains in the garage", "en",
         [In("on", Target(categories=("curtain",), unknown=("garage",)))]),
    case("zh-device-and-group", "关掉电视和客厅的灯", "zh",
         [In("off", T(TV)), In("off", T(room=("living",), cat=LIGHT))]),
    case("en-two-rooms", "turn on the lights in the living room and the bedroom", "en",
         [In("on", T(room=("living", "bedroom"), cat=LIGHT))]),
    case("en-name-plus-category", "turn on the desk lamp light", "en", [In("on", T(DESK))]),
    # several commands in one sentence: "and" with an order on both sides, or a value on both sides
    case("en-and-two-orders", "turn on the humidifier and set it to 60 percent", "en",
         [In("on", T(("humidifier",))), In("set", T(("humidifier",)), value=60, unit="percent")]),
    case("en-and-two-values", "set the desk lamp to 20% and the bedroom light to 60%", "en",
         [In("set", T(DESK), value=20, unit="percent"), In("set", T(("bedroom-light",)), value=60, unit="percent")]),
    case("zh-comma-two-orders", "打开电视，音量调到三十", "zh", [In("on", T(TV)), In("set", T(TV), "volume", 30)]),
    case("en-preamble-is-not-a-question", "the kids are asleep, turn off the lights", "en",
         [In("off", T(cat=LIGHT))]),
    case("fr-preamble", "les enfants dorment, éteins les lumières", "fr", [In("off", T(cat=LIGHT))]),
    case("en-again", "a bit more", "en", [In("again")]),
    case("zh-negation", "不要开灯", "zh", "declined"),
    # what the home does not have, said by name; and what is left out
    case("en-missing", "start the jacuzzi", "en", [In("on", Target(missing=("jacuzzi",)))]),
    case("zh-missing", "打开浴缸", "zh", [In("on", Target(missing=("浴缸",)))]),
    case("en-it-is-not-missing", "turn it off", "en", [In("off")]),
    case("en-except", "turn off all the lights except the desk lamp", "en",
         [In("off", Target(categories=LIGHT, everything=True, exclude=DESK))]),
    case("zh-except", "除了台灯，把灯都关了", "zh",
         [In("off", Target(categories=LIGHT, everything=True, exclude=DESK))]),
    case("fr-except-category", "éteins tout sauf les lumières", "fr",
         [In("off", Target(everything=True, exclude=LIGHT))]),
    case("en-negation", "don't turn off the tv", "en", "declined"),
    case("fr-negation", "n'éteins pas la télé", "fr", "declined"),
    case("fr-encore", "encore", "fr", [In("again")]),
]
CASES = ZH + EN + FR + MORE


@pytest.mark.parametrize(("text", "lang", "expected", "force"), CASES)
def test_understand(catalog: Catalog, text: str, lang: str, expected: str | list[Intent], force: str | None) -> None:
    result = understand(text, catalog, force)
    assert result.text == text
    assert result.lang == lang
    if isinstance(expected, str):
        assert (result.problem, result.intents) == (expected, [])
    else:
        assert result.problem is None
        assert result.intents == expected


def test_table_has_enough_cases_per_language() -> None:
    passing = Counter(p.values[1] for p in CASES if not p.marks)
    assert min(passing[lang] for lang in ("zh", "en", "fr")) >= 25, passing


def test_catalog_knows_every_demo_device_and_room(catalog: Catalog) -> None:
    assert len(catalog.devices) == 19
    assert set(catalog.room_names) == {"living", "bedroom", "study", "kitchen", "bathroom", "hallway"}
    assert catalog.devices["desk-lamp"].room == "study"
    assert "SetBrightness" in catalog.devices["desk-lamp"].actions
    assert catalog.device_names["desk-lamp"]["fr"] == ["lampe de bureau"]


def test_forced_language_overrides_detection(catalog: Catalog) -> None:
    # The device name is found in any language, but the French lexicon has no "turn on".
    assert understand("turn on the desk lamp", catalog, "en").intents == [In("on", T(DESK))]
    forced = understand("turn on the desk lamp", catalog, "fr")
    assert (forced.lang, forced.problem, forced.intents) == ("fr", "not_understood", [])


def test_unsupported_forced_language_is_refused(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        understand("打开台灯", catalog, "de")


def test_names_of_devices_missing_from_the_catalog_are_not_targets() -> None:
    # Without the home's catalog, a device name is just words: only the category is found.
    result = understand("打开台灯", Catalog())
    assert result.intents == [In("on", T(cat=("light",)))]


def test_a_wish_is_an_implicit_intent(catalog: Catalog) -> None:
    result = understand("太热了", catalog)
    assert result.intents == [Intent(action="down", target=Target(categories=("aircondition",)),
                                     attribute="temperature", implicit=True)]


@pytest.mark.parametrize(
    ("text", "target", "code"),
    [
        ("客厅的", T(room=("living",)), None),
        ("the bedroom one", T(room=("bedroom",)), None),
        ("celle de la chambre", T(room=("bedroom",)), None),
        ("落地灯", T(("floor-lamp",)), None),
        ("all of them", T(every=True), None),
        ("123456", T(), "123456"),
        ("密码是012345", T(), "012345"),
        ("the code is 123456", T(), "123456"),
    ],
)
def test_an_answer_is_a_fragment_not_an_intent(catalog: Catalog, text: str, target: Target, code: str | None) -> None:
    result = understand(text, catalog)
    assert (result.problem, result.intents) == ("not_understood", [])
    assert result.fragment == Intent(action="answer", target=target, code=code)


def test_floors_group_rooms() -> None:
    catalog = Catalog()
    catalog.add_room("kitchen", {"en": ["kitchen"]})
    catalog.add_room("office", {"en": ["office"]})
    catalog.add_floor("ground", {"en": ["ground floor"]}, ("kitchen",))
    catalog.add_device(CatalogDevice("k1", "light", "kitchen", frozenset(), frozenset()), {"en": ["lamp"]})
    catalog.add_device(CatalogDevice("o1", "light", "office", frozenset(), frozenset()), {"en": ["lamp"]})
    assert catalog.rooms_of(("ground",)) == {"kitchen"}
    assert understand("turn on the ground floor lights", catalog, "en").intents == [
        In("on", Target(floors=("ground",), categories=("light",)))]
    # two devices called "lamp": the room said tells them apart
    assert understand("turn on the lamp in the office", catalog, "en").intents == [
        In("on", Target(devices=("o1",), rooms=("office",)))]
    assert understand("turn on the lamp", catalog, "en").intents == [In("on", Target(devices=("k1", "o1")))]


def test_a_thousand_devices_are_told_apart() -> None:
    catalog = Catalog()
    rooms = [f"room {chr(97 + r)}" for r in range(20)]
    for r, room in enumerate(rooms):
        catalog.add_room(f"r{r}", {"en": [room]})
        for d in range(50):
            catalog.add_device(CatalogDevice(f"d{r}-{d}", "light", f"r{r}", frozenset(), frozenset()),
                               {"en": [f"{room} lamp {d}"], "zh": [f"{r}号房间{d}号灯"]})
    assert len(catalog.devices) == 1000
    assert understand("turn on the room q lamp 37", catalog).intents == [In("on", Target(devices=("d16-37",)))]
    assert understand("打开3号房间12号灯", catalog).intents == [In("on", Target(devices=("d3-12",)))]
