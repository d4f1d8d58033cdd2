"""Hub shards: several hub processes share the homes of one broker or cluster (docs/shards.md).

- ``assign``: which live shard owns a home (rendezvous hashing: stable, balanced, minimal movement);
- ``wire``: the shard topics and the heartbeat every shard publishes on them;
- ``membership``: the live shards as one shard sees them (heartbeats, wills, expiry);
- ``mux``: one MQTT session carrying the hubs of many homes (a ``Connection`` view per home);
- ``shard``: one shard process's life: its session, its members, the homes it takes and releases.
"""
