"""Time expressions in voice commands, for timers and schedules: "十分钟后", "tomorrow at 8", "tous les lundis à 8h".

``find_when`` finds the time expression of a command and returns it with the command that is left
("十分钟后关灯" -> ten minutes from now, "关灯"); ``describe`` says a time back for a reply. Both are pure and
synchronous: the caller passes the (simulated) wall clock ``now``, an aware datetime, and every time found is in
its timezone.

The words are data (``lang/<lang>/time.yaml``); this package knows only the shape of an expression:

* a relative time: a duration with a "from now" word before or after it ("in 10 minutes", "过五分钟",
  "五分钟以后", "dans une heure et demie"). A duration is a sum of parts "number [classifier] [half] unit
  [half]" ("一个半小时", "an hour and a half") and whole phrases ("half an hour"); a bare number after an hour or
  minute part counts in the next smaller unit ("1h30" is 90 minutes).
* a clock time: ``[day] [period] [prefix] hour [mark] [minutes] [period] [day]``. The day is a day word ("明天",
  "tomorrow"), a weekday (its next occurrence: "周一", "monday") or a repeat ("每天", "every weekday",
  "tous les lundis"); the period is a part of the day ("下午", "pm", "du soir"); minutes are ":30", "半",
  "十五分", "et quart", "half past"... Noon and midnight words ("noon", "midi") stand for a whole time.

A number is a time only with clues (``clock.clues`` in each file): "七点" (the mark 点) and "at 7" (the prefix)
are times; "channel 7", "调到七档", "à 21" and "set the heat at 21 degrees" are not. "一点" means "a little"
unless something else makes it a time (一点半, 凌晨一点, 明天一点, 一点钟). An hour past 12 with only "at" as
a clue ("set the heat at 21") is a value, not a time.

How an hour is read (the same rules in every language):

1. A noon or midnight word, an hour of 0 or 13 to 24, is taken as said.
2. With a period word the hour goes into the period: of h, h+12 and h+24 the first that the period covers
   (``periods`` in the file: 下午 is 12 to 18), else the nearest to it. "下午三点" is 15:00, "晚上十二点" and
   "tonight at 12" midnight, "7 pm" 19:00, "12 am" 00:00, "凌晨两点" 02:00.
3. Otherwise an hour written with a leading zero ("08:30") is taken as said.
4. On another day or in a repeat (明天, tomorrow, tous les lundis) 1 to 6 mean the afternoon and 7 to 12 are
   taken as said: "明天八点" is 08:00, "tomorrow at 3" 15:00, "每天十二点" 12:00.
5. Otherwise (today, no period) the hour is the sooner of h:mm and (h+12):mm still to come: at 09:00 "七点" is
   19:00 and "十点" 10:00.

A one-off time already past today is tomorrow, even after "今天"/"today" (a timer cannot fire in the past).
A repeat first fires at ``repeat.next_after(now)``; a repeat time past midnight ("每周五晚上十二点") moves to
the next day (Saturday 00:00). Out-of-range times ("25点", "at 7:75", "七点七十分") are not times: nothing is
found and the text is returned as it was; no exception is raised.

Not handled: dates ("5月1日", "on the 3rd"), ranges ("from 7 to 9"), several weekdays ("every monday and
friday", "每周一三五"), minutes to or past the hour other than half and quarter ("ten to eight"), relative days
with a time ("in two days at 8"), durations of days, and more than one expression per command (the first one
said is found). Where a duration and a clock time overlap, the duration wins: in "亮一点十分钟后" it is 十分钟后,
not 一点十分. For the same reason Chinese decimal durations are not read: "一点五小时后" is taken as 五小时后
(say 一个半小时后).

The parts: ``model`` (the values ``When`` and ``Repeat``, standard library only), ``patterns`` and ``numerals``
(folding, regexes from word lists, numbers), ``grammar`` (a language's words loaded and compiled once), ``read``
(``find_when``) and ``say`` (``describe``).
"""

from hub.nlu.when.model import Repeat, When
from hub.nlu.when.read import find_when
from hub.nlu.when.say import describe

__all__ = ["Repeat", "When", "describe", "find_when"]
