"""Home Assistant's documented MQTT discovery schema, as data: the keys each platform allows and requires.

Transcribed from the configuration-variable lists of the Home Assistant documentation
(repository home-assistant/home-assistant.io, ``source/_integrations/<platform>.mqtt.markdown``; the pages
are published at https://www.home-assistant.io/integrations/<platform>.mqtt/). The device-based discovery
rules come from https://www.home-assistant.io/integrations/mqtt/#device-discovery-payload: the root holds
``device`` and ``origin`` (both required) and the shared options (availability, ``command_topic``,
``state_topic``, ``qos``, ``encoding``); each component under ``components`` needs ``platform`` and, for
an entity, ``unique_id``. ``platform`` is "only allowed and required in MQTT auto discovery device messages"
(each platform page), so it is added to every platform's keys here.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCS = "https://www.home-assistant.io/integrations"

AVAILABILITY = {"availability", "availability_mode", "availability_template", "availability_topic",
                "payload_available", "payload_not_available"}
ENTITY = {"device", "enabled_by_default", "encoding", "entity_category", "entity_picture", "icon",
          "json_attributes_template", "json_attributes_topic", "name", "object_id", "default_entity_id",
          "platform", "qos", "unique_id"}

ROOT_KEYS = {"device", "origin", "components", "command_topic", "state_topic", "qos", "encoding"} | AVAILABILITY
"""mqtt/#device-discovery-payload: the shared options of a device-based discovery payload."""
ROOT_REQUIRED = {"device", "origin", "components"}
SHARED_OPTIONS = {"command_topic", "state_topic", "qos", "encoding"} | AVAILABILITY
"""Options a component inherits from the root unless it sets its own (the HA core discovery code merges them)."""

AVAILABILITY_ITEM_KEYS = {"topic", "payload_available", "payload_not_available", "value_template"}
"""mqtt/#using-availability-topics: the keys of one entry of ``availability``."""
AVAILABILITY_MODES = {"all", "any", "latest"}
DEVICE_KEYS = {"configuration_url", "connections", "hw_version", "identifiers", "manufacturer", "model",
               "model_id", "name", "serial_number", "suggested_area", "sw_version", "via_device"}
ORIGIN_KEYS = {"name", "sw_version", "support_url"}
ORIGIN_REQUIRED = {"name"}


@dataclass(frozen=True)
class Platform:
    """One MQTT platform's documented configuration variables."""

    page: str
    allowed: frozenset[str]
    required: frozenset[str]


def _platform(name: str, keys: set[str], required: set[str]) -> Platform:
    return Platform(f"{DOCS}/{name}.mqtt/", frozenset(keys | {"platform"}), frozenset(required | {"platform"}))


PLATFORMS: dict[str, Platform] = {
    "light": _platform("light", AVAILABILITY | ENTITY | {
        "brightness_command_topic", "brightness_command_template", "brightness_scale", "brightness_state_topic",
        "brightness_value_template", "color_mode_state_topic", "color_mode_value_template",
        "color_temp_command_template", "color_temp_command_topic", "color_temp_kelvin", "color_temp_state_topic",
        "color_temp_value_template", "command_topic", "effect_command_topic", "effect_command_template",
        "effect_list", "effect_state_topic", "effect_value_template", "hs_command_template", "hs_command_topic",
        "hs_state_topic", "hs_value_template", "max_kelvin", "max_mireds", "min_kelvin", "min_mireds",
        "on_command_type", "optimistic", "payload_off", "payload_on", "retain", "rgb_command_template",
        "rgb_command_topic", "rgb_state_topic", "rgb_value_template", "rgbw_command_template", "rgbw_command_topic",
        "rgbw_state_topic", "rgbw_value_template", "rgbww_command_template", "rgbww_command_topic",
        "rgbww_state_topic", "rgbww_value_template", "schema", "state_topic", "state_value_template",
        "white_command_topic", "white_scale", "xy_command_template", "xy_command_topic", "xy_state_topic",
        "xy_value_template"}, {"command_topic"}),  # default schema
    "switch": _platform("switch", AVAILABILITY | ENTITY | {
        "command_template", "command_topic", "device_class", "optimistic", "payload_off", "payload_on", "retain",
        "state_off", "state_on", "state_topic", "value_template"}, {"command_topic"}),
    "cover": _platform("cover", AVAILABILITY | ENTITY | {
        "command_topic", "device_class", "optimistic", "payload_close", "payload_open", "payload_stop",
        "position_closed", "position_open", "position_template", "position_topic", "retain",
        "set_position_template", "set_position_topic", "state_closed", "state_closing", "state_open",
        "state_opening", "state_stopped", "state_topic", "tilt_closed_value", "tilt_command_template",
        "tilt_command_topic", "tilt_max", "tilt_min", "tilt_opened_value", "tilt_optimistic",
        "tilt_status_template", "tilt_status_topic", "value_template"}, set()),
    "climate": _platform("climate", AVAILABILITY | ENTITY | {
        "action_template", "action_topic", "current_humidity_template", "current_humidity_topic",
        "current_temperature_template", "current_temperature_topic", "fan_mode_command_template",
        "fan_mode_command_topic", "fan_mode_state_template", "fan_mode_state_topic", "fan_modes", "initial",
        "max_humidity", "max_temp", "min_humidity", "min_temp", "mode_command_template", "mode_command_topic",
        "mode_state_template", "mode_state_topic", "modes", "optimistic", "payload_off", "payload_on",
        "power_command_template", "power_command_topic", "precision", "preset_mode_command_template",
        "preset_mode_command_topic", "preset_mode_state_topic", "preset_mode_value_template", "preset_modes",
        "retain", "swing_horizontal_mode_command_template", "swing_horizontal_mode_command_topic",
        "swing_horizontal_mode_state_template", "swing_horizontal_mode_state_topic", "swing_horizontal_modes",
        "swing_mode_command_template", "swing_mode_command_topic", "swing_mode_state_template",
        "swing_mode_state_topic", "swing_modes", "target_humidity_command_template",
        "target_humidity_command_topic", "target_humidity_state_topic", "target_humidity_state_template",
        "temperature_command_template", "temperature_command_topic", "temperature_high_command_template",
        "temperature_high_command_topic", "temperature_high_state_template", "temperature_high_state_topic",
        "temperature_low_command_template", "temperature_low_command_topic", "temperature_low_state_template",
        "temperature_low_state_topic", "temperature_state_template", "temperature_state_topic",
        "temperature_unit", "temp_step", "value_template"}, set()),
    "fan": _platform("fan", AVAILABILITY | ENTITY | {
        "command_template", "command_topic", "optimistic", "direction_command_template", "direction_command_topic",
        "direction_state_topic", "direction_value_template", "oscillation_command_template",
        "oscillation_command_topic", "oscillation_state_topic", "oscillation_value_template", "payload_off",
        "payload_on", "payload_oscillation_off", "payload_oscillation_on", "payload_reset_percentage",
        "payload_reset_preset_mode", "percentage_command_template", "percentage_command_topic",
        "percentage_state_topic", "percentage_value_template", "preset_mode_command_template",
        "preset_mode_command_topic", "preset_mode_state_topic", "preset_mode_value_template", "preset_modes",
        "retain", "speed_range_max", "speed_range_min", "state_topic", "state_value_template"}, {"command_topic"}),
    "humidifier": _platform("humidifier", AVAILABILITY | ENTITY | {
        "action_template", "action_topic", "current_humidity_template", "current_humidity_topic",
        "command_template", "command_topic", "device_class", "max_humidity", "min_humidity", "optimistic",
        "payload_off", "payload_on", "payload_reset_humidity", "payload_reset_mode",
        "target_humidity_command_template", "target_humidity_command_topic", "target_humidity_state_topic",
        "target_humidity_state_template", "mode_command_template", "mode_command_topic", "mode_state_topic",
        "mode_state_template", "modes", "retain", "state_topic", "state_value_template"},
        {"command_topic", "target_humidity_command_topic"}),
    "water_heater": _platform("water_heater", AVAILABILITY | ENTITY | {
        "current_temperature_template", "current_temperature_topic", "initial", "max_temp", "min_temp",
        "mode_command_template", "mode_command_topic", "mode_state_template", "mode_state_topic", "modes",
        "optimistic", "payload_off", "payload_on", "power_command_template", "power_command_topic", "precision",
        "retain", "temperature_command_template", "temperature_command_topic", "temperature_state_template",
        "temperature_state_topic", "temperature_unit", "value_template"}, set()),
    "lock": _platform("lock", AVAILABILITY | ENTITY | {
        "code_format", "command_template", "command_topic", "optimistic", "payload_lock", "payload_unlock",
        "payload_open", "payload_reset", "retain", "state_jammed", "state_locked", "state_locking",
        "state_topic", "state_unlocked", "state_unlocking", "value_template"}, {"command_topic"}),
    "vacuum": _platform("vacuum", AVAILABILITY | {
        "command_topic", "device", "encoding", "fan_speed_list", "json_attributes_template",
        "json_attributes_topic", "name", "object_id", "default_entity_id", "payload_clean_spot", "payload_locate",
        "payload_pause",
        "payload_return_to_base", "payload_start", "payload_stop", "platform", "qos", "retain",
        "send_command_topic", "set_fan_speed_topic", "state_topic", "supported_features", "unique_id"}, set()),
    "sensor": _platform("sensor", AVAILABILITY | ENTITY | {
        "device_class", "expire_after", "force_update", "last_reset_value_template", "options",
        "suggested_display_precision", "state_class", "state_topic", "unit_of_measurement", "value_template"},
        {"state_topic"}),
    "number": _platform("number", AVAILABILITY | ENTITY | {
        "command_template", "command_topic", "device_class", "min", "max", "mode", "optimistic", "payload_reset",
        "retain", "state_topic", "step", "unit_of_measurement", "value_template"}, {"command_topic"}),
}

# Documented values of a few enumerated options.
CLIMATE_MODES = {"auto", "off", "cool", "heat", "dry", "fan_only"}  # climate.mqtt: "a subset of the default values"
WATER_HEATER_MODES = {"off", "eco", "electric", "gas", "heat_pump", "high_demand", "performance"}  # water_heater.mqtt
VACUUM_FEATURES = {"start", "stop", "pause", "return_home", "battery", "status", "locate", "clean_spot",
                   "fan_speed", "send_command"}  # vacuum.mqtt supported_features
HUMIDIFIER_CLASSES = {"humidifier", "dehumidifier", None}  # humidifier.mqtt device_class
NUMBER_MODES = {"box", "slider", "auto"}  # number.mqtt mode
CLIMATE_PRECISIONS = {0.1, 0.5, 1.0}  # climate.mqtt / water_heater.mqtt precision
SENSOR_DEVICE_CLASSES = {"temperature", "humidity", "pm25", "battery", "power", "enum"}
"""The sensor device classes we use (https://www.home-assistant.io/integrations/sensor/#device-class)."""
SENSOR_UNITS = {"temperature": {"°C", "°F", "K"}, "humidity": {"%"}, "pm25": {"\u00b5g/m\u00b3"}, "battery": {"%"},
                "power": {"W", "kW"}}
"""Units accepted per device class (sensor/#device-class). µg/m³ with the micro sign U+00B5: Home Assistant up to
2025.x rejects the Greek mu U+03BC (seen in a real log; issue 20)."""
LIGHT_SCHEMAS = {"basic", "json", "template"}
"""light.mqtt ``schema``: ``default`` is rejected by a real Home Assistant (issue 20)."""
