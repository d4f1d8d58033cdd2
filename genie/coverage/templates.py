"""Sentence templates of the coverage run, per action kind and language, written as people talk.

Placeholders: ``{dev}`` the device with its article (灯 · the light · la lumière), ``{of}`` it as a
complement (灯的 · of the light · de la lumière), ``{d}`` its bare noun, ``{prop}`` / ``{p}`` the property
with / without article, ``{val}`` the value as people say it, ``{step}`` an amount, ``{code}`` an unlock code,
``{on}`` ``{open}`` ``{set}`` ``{locked}`` French participles agreeing with the device. Own words only: see
``genie.coverage.words``.
"""

from __future__ import annotations

T = dict[str, list[str]]

POWER: dict[str, dict[str, T]] = {
    "power": {
        "on": {"zh": ["打开{dev}", "把{dev}打开", "开一下{dev}", "{dev}开一下", "帮我开{dev}"],
               "en": ["turn on the {d}", "switch the {d} on", "please turn the {d} on", "can you switch on the {d}"],
               "fr": ["allume {dev}", "mets {dev} en marche", "allume {dev} s'il te plaît", "tu peux allumer {dev}"]},
        "off": {"zh": ["关闭{dev}", "把{dev}关了", "关掉{dev}", "帮我把{dev}关掉"],
                "en": ["turn off the {d}", "switch the {d} off", "please switch off the {d}", "shut off the {d}"],
                "fr": ["éteins {dev}", "arrête {dev}", "éteins {dev} s'il te plaît", "coupe {dev}"]},
    },
    "curtain": {
        "on": {"zh": ["打开{dev}", "把{dev}拉开", "拉开{dev}", "{dev}打开一下"],
               "en": ["open the {d}", "please open the {d}", "open up the {d}"],
               "fr": ["ouvre {dev}", "ouvre {dev} s'il te plaît", "tu peux ouvrir {dev}"]},
        "off": {"zh": ["关上{dev}", "把{dev}拉上", "合上{dev}", "把{dev}关上"],
                "en": ["close the {d}", "please close the {d}", "shut the {d}"],
                "fr": ["ferme {dev}", "ferme {dev} s'il te plaît", "tu peux fermer {dev}"]},
    },
    "vacuum": {
        "on": {"zh": ["让{dev}开始扫地", "打开{dev}", "{dev}去打扫一下", "启动{dev}"],
               "en": ["start the {d}", "tell the {d} to start cleaning", "turn on the {d}"],
               "fr": ["lance {dev}", "démarre {dev}", "allume {dev}"]},
        "off": {"zh": ["让{dev}回去充电", "关闭{dev}", "{dev}回去充电吧", "让{dev}回充"],
                "en": ["send the {d} back to its dock", "turn off the {d}", "send the {d} home"],
                "fr": ["renvoie {dev} à sa base", "éteins {dev}", "renvoie {dev} à la base"]},
    },
}
"""On and off, by how a category says them: power, a curtain opening and closing, a vacuum leaving and docking."""

SPECIAL: dict[str, T] = {
    "lock": {"zh": ["锁上{dev}", "把{dev}锁上", "{dev}锁一下", "帮我锁门"],
             "en": ["lock the {d}", "please lock the {d}", "lock the door"],
             "fr": ["verrouille {dev}", "ferme {dev} à clé", "verrouille la porte"]},
    "unlock": {"zh": ["开锁，密码是{code}", "打开{dev}，密码{code}", "{dev}开锁，密码是{code}"],
               "en": ["unlock the {d}, the code is {code}", "unlock the {d} with code {code}",
                      "unlock the door, code {code}"],
               "fr": ["déverrouille {dev}, le code est {code}", "déverrouille la porte, code {code}",
                      "ouvre {dev}, le code c'est {code}"]},
    "mute": {"zh": ["把{dev}静音", "{dev}静音", "{dev}关掉声音"],
             "en": ["mute the {d}", "mute the sound on the {d}", "put the {d} on mute"],
             "fr": ["coupe le son {of}", "mets {dev} en sourdine", "active la sourdine {of}"]},
    "unmute": {"zh": ["{dev}取消静音", "把{dev}的静音关掉", "{dev}打开声音"],
               "en": ["unmute the {d}", "turn the sound back on on the {d}", "take the {d} off mute"],
               "fr": ["remets le son {of}", "enlève la sourdine {of}", "réactive le son {of}"]},
    "swing_on": {"zh": ["让{dev}摇头", "打开{dev}的摇头", "{dev}开始摇头"],
                 "en": ["make the {d} oscillate", "turn on oscillation on the {d}", "start the {d} oscillating"],
                 "fr": ["fais osciller {dev}", "active l'oscillation {of}", "mets l'oscillation {of}"]},
    "swing_off": {"zh": ["{dev}停止摇头", "关闭{dev}的摇头", "关掉{dev}摇头"],
                  "en": ["stop the {d} oscillating", "turn off the oscillation on the {d}",
                         "stop oscillation on the {d}"],
                  "fr": ["arrête l'oscillation {of}", "désactive l'oscillation {of}", "coupe l'oscillation {of}"]},
    "pause": {"zh": ["暂停{dev}", "{dev}先停一下", "让{dev}停下"],
              "en": ["pause the {d}", "stop the {d} for now", "pause the {d} please"],
              "fr": ["mets {dev} en pause", "arrête {dev} un instant", "pause {dev}"]},
}
"""Actions of their own: locks, a TV's mute, a fan's oscillation, stopping what moves."""

SET: dict[str, T] = {
    "*": {"zh": ["把{dev}的{p}调到{val}", "{dev}{p}设置为{val}", "将{dev}的{p}设成{val}"],
          "en": ["set the {d} {p} to {val}", "change the {p} of the {d} to {val}", "set the {p} on the {d} to {val}"],
          "fr": ["règle {prop} {of} à {val}", "mets {prop} {of} à {val}", "passe {prop} {of} à {val}"]},
    "brightness": {"zh": ["把{dev}亮度调到{val}", "{dev}调到{val}亮度", "{dev}亮度设成{val}"],
                   "en": ["set the {d} to {val}", "set the {d} brightness to {val}", "put the {d} at {val} brightness"],
                   "fr": ["mets {dev} à {val}", "règle la luminosité {of} à {val}", "{dev} à {val} s'il te plaît"]},
    "temperature": {"zh": ["把{dev}调到{val}", "{dev}温度设为{val}", "{dev}调成{val}"],
                    "en": ["set the {d} to {val}", "set the {d} temperature to {val}", "put the {d} on {val}"],
                    "fr": ["mets {dev} à {val}", "règle {dev} sur {val}", "règle la température {of} à {val}"]},
    "windspeed": {"zh": ["把{dev}风速调到{val}", "{dev}调成{val}", "{dev}开{val}", "{dev}风速设成{val}"],
                  "en": ["set the {d} to {val} speed", "put the {d} on {val}", "set the {d} speed to {val}"],
                  "fr": ["mets {dev} en vitesse {val}", "règle la vitesse {of} sur {val}",
                         "passe {dev} en vitesse {val}"]},
    "mode": {"zh": ["把{dev}调到{val}模式", "{dev}设为{val}模式", "{dev}切换到{val}模式"],
             "en": ["set the {d} to {val} mode", "switch the {d} to {val} mode", "put the {d} in {val} mode"],
             "fr": ["mets {dev} en mode {val}", "passe {dev} en mode {val}", "règle {dev} sur le mode {val}"]},
    "color": {"zh": ["把{dev}调成{val}", "{dev}换成{val}", "把{dev}的颜色改成{val}"],
              "en": ["make the {d} {val}", "turn the {d} {val}", "change the {d} colour to {val}"],
              "fr": ["mets {dev} en {val}", "passe {dev} en {val}", "change la couleur {of} en {val}"]},
    "volume": {"zh": ["把{dev}音量调到{val}", "{dev}声音调到{val}", "{dev}音量设成{val}"],
               "en": ["set the {d} volume to {val}", "turn the volume on the {d} to {val}",
                      "put the {d} volume at {val}"],
               "fr": ["mets le volume {of} à {val}", "règle le son {of} à {val}", "volume {of} à {val}"]},
    "channel": {"zh": ["{dev}换到{val}", "把{dev}调到{val}", "{dev}切到{val}"],
                "en": ["switch the {d} to {val}", "put the {d} on {val}", "change the {d} to {val}"],
                "fr": ["mets {dev} sur {val}", "passe {dev} sur {val}", "change {dev} pour {val}"]},
    "humidity": {"zh": ["把{dev}湿度调到{val}", "{dev}湿度设为{val}", "{dev}调到{val}的湿度"],
                 "en": ["set the {d} to {val} humidity", "set the {d} humidity to {val}", "put the {d} at {val}"],
                 "fr": ["règle l'humidité {of} à {val}", "mets {dev} à {val} d'humidité", "règle {dev} sur {val}"]},
    "position": {"zh": ["把{dev}打开到{val}", "{dev}开到{val}", "{dev}拉开到{val}"],
                 "en": ["open the {d} to {val}", "set the {d} to {val} open", "open the {d} {val}"],
                 "fr": ["ouvre {dev} à {val}", "règle l'ouverture {of} à {val}", "mets {dev} à {val} d'ouverture"]},
}
"""Setting a value; ``*`` for a property without phrasings of its own."""

UP: dict[str, T] = {
    "*": {"zh": ["把{dev}的{p}调高一点", "{dev}{p}调大一些", "{dev}{p}高一点"],
          "en": ["turn up the {d} {p}", "increase the {p} of the {d}", "raise the {d} {p}"],
          "fr": ["augmente {prop} {of}", "monte {prop} {of}", "augmente un peu {prop} {of}"]},
    "brightness": {"zh": ["{dev}调亮一点", "把{dev}调亮些", "{dev}亮一点"],
                   "en": ["make the {d} brighter", "brighten the {d}", "turn the {d} brightness up"],
                   "fr": ["augmente la luminosité {of}", "monte la luminosité {of}", "plus de lumière sur {dev}"]},
    "volume": {"zh": ["{dev}声音大一点", "把{dev}音量调大", "{dev}大声点"],
               "en": ["turn the {d} up", "make the {d} louder", "turn up the volume on the {d}"],
               "fr": ["monte le son {of}", "augmente le volume {of}", "mets {dev} plus fort"]},
    "channel": {"zh": ["{dev}换下一个台", "{dev}下一个频道", "{dev}换个台，下一个"],
                "en": ["next channel on the {d}", "channel up on the {d}", "go to the next channel on the {d}"],
                "fr": ["chaîne suivante sur {dev}", "passe à la chaîne suivante sur {dev}",
                       "mets la chaîne d'après sur {dev}"]},
    "windspeed": {"zh": ["{dev}风大一点", "把{dev}风速调高", "{dev}风速加大"],
                  "en": ["turn the {d} speed up", "make the {d} blow harder", "increase the {d} speed"],
                  "fr": ["augmente la vitesse {of}", "accélère {dev}", "monte la vitesse {of}"]},
    "position": {"zh": ["把{dev}再拉开一点", "{dev}开大一点", "{dev}再打开一些"],
                 "en": ["open the {d} a bit more", "open the {d} a little more", "raise the {d} a bit"],
                 "fr": ["ouvre un peu plus {dev}", "ouvre {dev} un peu plus", "remonte un peu {dev}"]},
    "temperature": {"zh": ["{dev}温度调高一点", "把{dev}调高一点", "{dev}温度升高"],
                    "en": ["turn up the {d}", "raise the {d} temperature", "turn the {d} temperature up"],
                    "fr": ["monte la température {of}", "augmente la température {of}", "monte {dev}"]},
}
"""Stepping up without a value."""

DOWN: dict[str, T] = {
    "*": {"zh": ["把{dev}的{p}调低一点", "{dev}{p}调小一些", "{dev}{p}低一点"],
          "en": ["turn down the {d} {p}", "decrease the {p} of the {d}", "lower the {d} {p}"],
          "fr": ["baisse {prop} {of}", "diminue {prop} {of}", "baisse un peu {prop} {of}"]},
    "brightness": {"zh": ["{dev}调暗一点", "把{dev}调暗些", "{dev}暗一点"],
                   "en": ["dim the {d}", "make the {d} dimmer", "turn the {d} brightness down"],
                   "fr": ["baisse la luminosité {of}", "diminue la luminosité {of}", "tamise {dev}"]},
    "volume": {"zh": ["{dev}声音小一点", "把{dev}音量调小", "{dev}小声点"],
               "en": ["turn the {d} down", "make the {d} quieter", "turn down the volume on the {d}"],
               "fr": ["baisse le son {of}", "diminue le volume {of}", "mets {dev} moins fort"]},
    "channel": {"zh": ["{dev}换上一个台", "{dev}上一个频道", "{dev}回到上一个台"],
                "en": ["previous channel on the {d}", "channel down on the {d}", "go back a channel on the {d}"],
                "fr": ["chaîne précédente sur {dev}", "passe à la chaîne précédente sur {dev}",
                       "reviens à la chaîne d'avant sur {dev}"]},
    "windspeed": {"zh": ["{dev}风小一点", "把{dev}风速调低", "{dev}风速减小"],
                  "en": ["turn the {d} speed down", "slow the {d} down", "decrease the {d} speed"],
                  "fr": ["baisse la vitesse {of}", "ralentis {dev}", "diminue la vitesse {of}"]},
    "position": {"zh": ["把{dev}关上一点", "{dev}关小一点", "{dev}再合上一些"],
                 "en": ["close the {d} a bit", "close the {d} a little more", "lower the {d} a bit"],
                 "fr": ["ferme un peu {dev}", "ferme {dev} un peu plus", "baisse un peu {dev}"]},
    "temperature": {"zh": ["{dev}温度调低一点", "把{dev}调低一点", "{dev}温度降低"],
                    "en": ["turn down the {d}", "lower the {d} temperature", "turn the {d} temperature down"],
                    "fr": ["baisse la température {of}", "diminue la température {of}", "baisse {dev}"]},
}
"""Stepping down without a value."""

BY: dict[str, T] = {
    "up": {"zh": ["把{dev}的{p}调高{step}", "{dev}{p}加{step}", "{dev}{p}提高{step}"],
           "en": ["turn the {d} {p} up by {step}", "increase the {p} of the {d} by {step}",
                  "raise the {d} {p} by {step}"],
           "fr": ["augmente {prop} {of} de {step}", "monte {prop} {of} de {step}",
                  "augmente {prop} {of} de {step} s'il te plaît"]},
    "down": {"zh": ["把{dev}的{p}调低{step}", "{dev}{p}减{step}", "{dev}{p}降低{step}"],
             "en": ["turn the {d} {p} down by {step}", "decrease the {p} of the {d} by {step}",
                    "lower the {d} {p} by {step}"],
             "fr": ["baisse {prop} {of} de {step}", "diminue {prop} {of} de {step}",
                    "baisse {prop} {of} de {step} s'il te plaît"]},
}
"""Stepping by an amount said."""
