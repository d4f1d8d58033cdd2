"""The embedded MQTT broker: amqtt, configured by ``broker.conf``, with our fixes for its bugs.

Its parts: ``hub.broker.config`` (broker.conf read and checked), ``hub.broker.packets`` (the guards on one
connection's packets), ``hub.broker.server`` (``GenieBroker``, amqtt's Broker subclass) and
``hub.broker.embedded`` (``EmbeddedBroker``, which runs it in the current event loop).

``GenieBroker`` is amqtt's Broker with:

- **retained messages only for one's own subscriptions**: amqtt 0.12.1, on every CONNECT, replays
  every retained message matching *any* client's subscription to the new client (reference/brokers.md,
  finding 4), so a device would receive other devices' registrations and states;
- **retained messages replayed at their own QoS, without holding the connection**: amqtt 0.12.1 replays a
  retained QoS 0 message at the subscription's QoS and awaits every PUBACK inside the connection's loop, so a
  client restarting in the middle of its replay held its client id for 5 s and its new connection missed
  messages (issue 20); QoS 0 goes out at once, QoS 1 and 2 are awaited beside the loop;
- **keepalive enforced**: amqtt 0.12.1 notices a silent client's read timeout and ignores it
  (Yakifo/amqtt#308), so a hung device would never be declared dead; we drop a client that is silent for
  1.5 × its keepalive (the MQTT spec's limit), and its last will fires;
- **our authentication and topic ACL** (``hub.security``) instead of amqtt's plugins, whose ACL config
  is broken in 0.12.1 and has no per-client patterns;
- **authentication before the session lookup**: amqtt 0.12.1 looks a CONNECT's client id up — deleting
  the live session of that id (clean session) or overwriting its credentials and taking it over
  (persistent session) — before it checks the password, so a refused CONNECT left the live session dead
  while both ends believed they were connected (issue 13). Ours refuses first, with CONNACK 5, touching
  nothing; an accepted CONNECT that names a live session closes that connection first (its client sees
  it and reconnects, its will fires), where amqtt left it open but cut off;
- **last wills under the topic ACL**: amqtt 0.12.1 publishes a will with no permission check, so one
  device's password unlocked the front door through wills on its request topic (issue 13, second red-team
  run). A CONNECT whose will its login may not publish is refused (CONNACK 5), and a will is checked again
  when it fires;
- **bounded packets and sessions**: a packet whose remaining length is over ``MAX_PACKET_BYTES`` drops
  the connection on its fixed header, before its body is read; a session holds at most
  ``MAX_UNRELEASED_QOS2`` QoS 2 messages awaiting PUBREL; text clients (unbounded ids) may not keep a
  persistent session; a connection must send its CONNECT within ``CONNECT_TIMEOUT`` seconds, and each
  packet's body within ``BODY_TIMEOUT`` seconds of its fixed header; a text login (unbounded client ids)
  holds at most ``MAX_TEXT_CONNECTIONS`` connections (CONNACK 3 beyond); the refused filters of one
  SUBSCRIBE are one log line; a client gone mid-CONNECT (a reset) is one INFO line, not a traceback.
"""

from hub.broker.config import (
    BUILTIN_CONFIG,
    CONFIG_ENV,
    DEFAULT_HOST,
    DEFAULT_PORT,
    BrokerConfigError,
    allows_anonymous,
    default_config_path,
    load_config,
)
from hub.broker.embedded import BrokerStartError, EmbeddedBroker
from hub.broker.packets import MAX_UNRELEASED_QOS2, PacketTooLarge, SlowPacket
from hub.broker.server import GenieBroker

__all__ = [
    "BUILTIN_CONFIG",
    "CONFIG_ENV",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_UNRELEASED_QOS2",
    "BrokerConfigError",
    "BrokerStartError",
    "EmbeddedBroker",
    "GenieBroker",
    "PacketTooLarge",
    "SlowPacket",
    "allows_anonymous",
    "default_config_path",
    "load_config",
]
