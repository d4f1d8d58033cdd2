"""The neighbours' dialects (docs/interop.md): Home Assistant MQTT discovery, Rhasspy Hermes NLU,
the AliGenie cloud-to-cloud gateway, and a spoken reply through espeak-ng.

Each is a separate module, imported only by whoever wires it in (``genie up --ha-discovery`` …):

- ``hub.interop.homeassistant`` — ``HomeAssistantBridge``, a hub extension (``hub.interop.ha_mapping`` holds
  the pure device → discovery payload mapping);
- ``hub.interop.hermes`` — ``HermesNlu``, a hub extension answering ``hermes/nlu/query``;
- ``hub.interop.aligenie`` — ``AliGenieGateway.handle(body)``, for an HTTP route;
- ``hub.interop.voice`` — ``speak(text, lang)``;
- ``hub.interop.roles`` — the broker users and topic ACLs Home Assistant and a Hermes front end log in with.
"""
