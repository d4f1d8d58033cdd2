"""The simulated third-party device: state, specs, directives, faults — independent of MQTT.

A ``SimulatedDevice`` answers ``Request`` messages with ``Response``/``ErrorResponse`` and
reports its own changes through ``on_change``; ``devices.runner.DeviceRunner`` puts it on the
broker. Category behaviours (``devices.categories``) subclass it; what it is told about itself
(``DeviceConfig``, faults, quirks) is in ``devices.config``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Callable
from typing import Any, ClassVar

from devices.config import COLD_AFTER, COLD_EXTRA, FAULTS, QUIRKS, SPIKE_EVERY, SPIKE_FACTOR, DeviceConfig, Faults
from devices.specs import check_model_specs, enum_spec, fit_default, float_spec, int_spec, power_spec
from hub.clock import Clock, RealClock
from hub.protocol import (
    DeviceInfo,
    ErrorCode,
    ErrorResponse,
    Names,
    Property,
    PropertySpec,
    PropertyValue,
    Request,
    Response,
)
from hub.protocol.vocabulary import ACTIONS, DEFAULT_STEPS, QUERY_ACTIONS, adjust_action_for, set_action_for

__all__ = [
    "COLD_AFTER",
    "COLD_EXTRA",
    "FAULTS",
    "QUIRKS",
    "SPIKE_EVERY",
    "SPIKE_FACTOR",
    "ChangeListener",
    "DeviceConfig",
    "DeviceError",
    "Faults",
    "SimulatedDevice",
    "enum_spec",
    "float_spec",
    "int_spec",
    "power_spec",
]

_LOGGER = logging.getLogger(__name__)


class DeviceError(Exception):
    """A directive the device refuses, with the AliGenie code it answers."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


ChangeListener = Callable[[list[Property], str], None]


class SimulatedDevice:
    """Base device: properties described by specs, generic Set/Adjust/Turn/Query handling."""

    category: ClassVar[str] = ""
    specs: ClassVar[tuple[PropertySpec, ...]] = ()
    optional: ClassVar[frozenset[str]] = frozenset()
    """Properties a model of this category may lack (DeviceConfig.specs); the others it must have."""
    defaults: ClassVar[dict[str, PropertyValue]] = {}
    extra_actions: ClassVar[tuple[str, ...]] = ()
    default_names: ClassVar[Names] = Names()

    def __init__(self, config: DeviceConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or RealClock()
        if config.specs is not None:
            # A per-instance tuple shadows the class's: this model has only these properties.
            self.specs = self.model_specs(config.specs, config.id)  # type: ignore[misc]
        self._specs = {spec.name: spec for spec in self.specs}
        self.state: dict[str, PropertyValue] = {
            name: fit_default(self._specs[name], value) for name, value in self.defaults.items() if name in self._specs
        }
        for name, value in config.initial.items():
            spec = self._specs.get(name)
            if spec is None:
                raise ValueError(f"device {config.id}: initial state names unknown property {name!r} "
                                 f"(a {self.category} has {', '.join(self._specs)})")
            try:
                self.state[name] = spec.coerce(value)
            except ValueError as exc:
                raise ValueError(f"device {config.id}: initial state: {exc}") from None
        self.initial_state = dict(self.state)
        self.fault: str | None = "jammed" if config.faults.jammed else None
        self.listeners: list[ChangeListener] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        unknown = set(config.quirks) - set(QUIRKS)
        if unknown:
            raise ValueError(f"device {config.id}: unknown quirk {sorted(unknown)[0]!r}; known: {', '.join(QUIRKS)}")
        # The same device replays the same reply times, and drops the same requests when flaky. Each generator
        # is made on first use: a Mersenne Twister is 2.5 KB, and a device without latency or faults needs none.
        self._replies_rng: random.Random | None = None
        self._drops_rng: random.Random | None = None
        self._last_request: float | None = None
        self._request_count = 0

    @property
    def _replies(self) -> random.Random:
        if self._replies_rng is None:
            self._replies_rng = random.Random(f"replies:{self.config.id}")
        return self._replies_rng

    @property
    def _drops(self) -> random.Random:
        if self._drops_rng is None:
            self._drops_rng = random.Random(f"drops:{self.config.id}")
        return self._drops_rng

    @classmethod
    def model_specs(cls, specs: tuple[PropertySpec, ...], device_id: str = "") -> tuple[PropertySpec, ...]:
        """``specs`` checked against this category: ValueError unless they are a subset it can behave with.

        Each must name one of the category's properties with the same type; only ``optional`` ones may be
        left out; a numeric range may differ (a model's real range) but must still hold the default.
        """
        return check_model_specs(cls.category, cls.specs, cls.optional, specs, device_id)

    # ------------------------------------------------------------------ description
    @property
    def id(self) -> str:
        """The device's id."""
        return self.config.id

    def spec(self, name: str) -> PropertySpec | None:
        """The spec of property ``name``, if this device has it."""
        return self._specs.get(name)

    def actions(self) -> list[str]:
        """The AliGenie actions this device supports, derived from its writable specs."""
        actions: list[str] = []
        for spec in self.specs:
            if not spec.writable:
                continue
            if spec.name == "powerstate":
                actions += ["TurnOn", "TurnOff"]
                continue
            setter = set_action_for(spec.name)
            if setter:
                actions.append(setter)
            if spec.data_type in ("int", "float"):
                for up in (True, False):
                    adjust = adjust_action_for(spec.name, up)
                    if adjust:
                        actions.append(adjust)
        # A model without the property an extra action works on (a fan that cannot swing) lacks the action.
        actions += [a for a in self.extra_actions if a not in actions and self._has_attribute_of(a)]
        actions += ["Query", *[q for q, attr in QUERY_ACTIONS.items() if attr and attr in self._specs]]
        actions.append("Reset")
        return list(dict.fromkeys(actions))

    def _has_attribute_of(self, action: str) -> bool:
        kind = ACTIONS.get(action)
        return kind is None or kind.attribute is None or kind.attribute in self._specs

    def info(self) -> DeviceInfo:
        """The registration payload."""
        names = self.config.names
        if not names.all():
            names = self.default_names
        return DeviceInfo(
            device_id=self.id,
            device_name=names.display("zh") or self.category,
            device_type=self.category,
            zone=self.config.room_names.display("zh") or self.config.room,
            zone_id=self.config.room,
            zone_names=self.config.room_names,
            brand=self.config.brand,
            model=self.config.model or f"sim-{self.category}",
            names=names,
            properties=self.properties(),
            actions=self.actions(),
            property_specs=list(self.specs),
            firmware=self.config.firmware,
        )

    def properties(self, names: list[str] | None = None) -> list[Property]:
        """The current value of each property in ``names`` (default: all), as AliGenie properties."""
        keys = names if names is not None else list(self.state)
        return [Property(name=k, value=self.state[k]) for k in keys if k in self.state]

    # ------------------------------------------------------------------ state changes
    def apply(self, changes: dict[str, PropertyValue], cause: str = "command") -> list[str]:
        """Set properties, notify listeners of those that changed, return their names."""
        changed = [k for k, v in changes.items() if self.state.get(k) != v]
        for key in changed:
            self.state[key] = changes[key]
        if changed:
            props = self.properties(changed)
            for listener in list(self.listeners):
                listener(props, cause)
        return changed

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run a background behaviour owned by this device (cancelled by ``close``)."""
        task = asyncio.get_running_loop().create_task(coro, name=f"device[{self.id}]")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _LOGGER.error("%s: behaviour failed", self.id, exc_info=task.exception())

    async def start(self) -> None:
        """Start periodic behaviours (sensors, drift). Subclasses override and call super."""

    async def close(self) -> None:
        """Stop every background task of this device."""
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------------ directives
    async def handle(self, request: Request) -> Response | ErrorResponse | None:
        """Answer ``request``; None means the device stays silent (the fault ``offline``)."""
        if self.fault == "offline" and request.action != "Reset":
            return None
        faults = self.config.faults
        if faults.flaky and self._drops.random() < faults.flaky:
            return None
        delay = self.reply_time() + (5.0 if self.fault == "slow" else 0.0) + faults.slow_ms / 1000
        if delay > 0:
            await self.clock.sleep(delay)
        if self.fault == "error" and request.action != "Reset":
            return ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, f"{self.id}: internal fault (simulated)")
        if request.payload.device_id != self.id:
            return ErrorResponse.to(request, ErrorCode.DEVICE_IS_NOT_EXIST,
                                    f"this is {self.id}, not {request.payload.device_id}", device_id=self.id)
        try:
            if request.is_query or request.action in QUERY_ACTIONS:
                return Response.to(request, self.query(request.action))
            action = request.action
            if action not in self.actions():
                raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION,
                                  f"a {self.category} cannot {action}")
            touched = await self.control(action, request.payload.attribute, request.payload.value)
        except DeviceError as exc:
            return ErrorResponse.to(request, exc.code, exc.message)
        return Response.to(request, self.properties(touched))

    def reply_time(self) -> float:
        """Seconds this request takes: the brand's latency profile and quirks (``QUIRKS``)."""
        config = self.config
        delay = config.latency + (self._replies.random() * config.latency_spread if config.latency_spread else 0.0)
        self._request_count += 1
        if "spiky" in config.quirks and self._request_count % SPIKE_EVERY == 0:
            delay *= SPIKE_FACTOR
        now = self.clock.now()
        if "cold-start" in config.quirks and self._last_request is not None and now - self._last_request >= COLD_AFTER:
            delay += COLD_EXTRA
        self._last_request = now
        return delay

    def query(self, action: str) -> list[Property]:
        """The properties a Query action asks for; DEVICE_NOT_SUPPORT_FUNCTION if it has none."""
        if action not in QUERY_ACTIONS:
            raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"unknown query {action}")
        attr = QUERY_ACTIONS[action]
        if attr is None:
            return self.properties()
        if attr not in self.state:
            raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"a {self.category} has no {attr}")
        return self.properties([attr])

    async def control(self, action: str, attribute: str | None, value: Any) -> list[str]:
        """Carry out a control action; return the names of the properties it concerns."""
        handler = getattr(self, f"on_{action}", None)
        if handler is not None:
            result: list[str] = await handler(value)
            return result
        kind = ACTIONS.get(action)
        if kind is None or kind.attribute is None:
            raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"a {self.category} cannot {action}")
        attr = kind.attribute
        if kind.kind == "set":
            return self.set_property(attr, value)
        if kind.kind in ("up", "down"):
            return self.adjust_property(attr, value, up=kind.kind == "up")
        raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"a {self.category} cannot {action}")

    def checked(self, attr: str, value: Any) -> PropertyValue:
        """``value`` coerced to ``attr``'s spec; INVALIDATE_PARAMS if it does not fit."""
        spec = self._specs.get(attr)
        if spec is None or not spec.writable:
            raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"a {self.category} has no settable {attr}")
        if value is None:
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, f"{attr}: a value is required")
        try:
            return spec.coerce(value)
        except ValueError as exc:
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, str(exc)) from None

    def set_property(self, attr: str, value: Any) -> list[str]:
        """Set ``attr`` to ``value`` (checked); return it and whatever else that changed."""
        new = self.checked(attr, value)
        side_effects = self.before_set(attr, new) or []
        self.apply({attr: new})
        return [attr, *side_effects]

    def before_set(self, attr: str, value: PropertyValue) -> list[str] | None:
        """Hook run before a property is set; returns other properties it changed.

        Default: setting anything on a device that is off turns it on (as real appliances do).
        """
        if attr != "powerstate" and "powerstate" in self._specs and self.state.get("powerstate") == "off":
            self.apply({"powerstate": "on"})
            return ["powerstate"]
        return None

    def adjust_property(self, attr: str, step: Any, *, up: bool) -> list[str]:
        """Move ``attr`` up or down by ``step`` (its default step if none), within its range."""
        spec = self._specs.get(attr)
        if spec is None or not spec.writable or spec.data_type not in ("int", "float"):
            raise DeviceError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"a {self.category} cannot adjust {attr}")
        if step in (None, ""):
            step = DEFAULT_STEPS.get(attr, spec.step or 1)
        try:
            if isinstance(step, bool):
                raise TypeError
            amount = float(step)
        except (TypeError, ValueError):
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, f"{attr}: step must be a number, got {step!r}") from None
        if not math.isfinite(amount) or amount <= 0:
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, f"{attr}: step must be positive, got {step!r}")
        current = self.level(attr, spec)
        target = current + amount if up else current - amount
        if spec.min is not None:
            target = max(spec.min, target)
        if spec.max is not None:
            target = min(spec.max, target)
        value: PropertyValue = round(target) if spec.data_type == "int" else round(target, 2)
        side_effects = self.before_set(attr, value) or []
        self.apply({attr: value})
        return [attr, *side_effects]

    def level(self, attr: str, spec: PropertySpec) -> float:
        """Where a step of numeric ``attr`` starts: its value, or — while it holds a word such as a fan speed's
        ``auto`` — the level it runs at (here the category's default, as a remote leaves auto for it)."""
        value = self.state.get(attr, spec.min or 0)
        if isinstance(value, str):
            value = fit_default(spec, self.defaults.get(attr, spec.min or 0))
        return float(value) if isinstance(value, int | float) else float(spec.min or 0)

    async def on_TurnOn(self, value: Any) -> list[str]:
        """Power on."""
        self.apply({"powerstate": "on"})
        return ["powerstate"]

    async def on_TurnOff(self, value: Any) -> list[str]:
        """Power off."""
        self.apply({"powerstate": "off"})
        return ["powerstate"]

    async def on_Reset(self, value: Any) -> list[str]:
        """Back to the initial state of the home file; stop anything in motion."""
        await self.close()
        self.fault = "jammed" if self.config.faults.jammed else None
        self.apply(dict(self.initial_state), cause="reset")
        await self.start()
        return list(self.state)
