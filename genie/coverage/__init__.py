"""``genie coverage``: the brand registry commanded and asked about by voice, checked device by device.

- ``specs``: the registry's distinct capability specifications and the products each covers;
- ``words``, ``numbers``, ``values``, ``templates``, ``asks``, ``probes``: the run's own sentence generator
  (written apart from the hub's phrase tables, deterministic by seed);
- ``judge``: the checker (state, a question that acts, the reply's language and value as people say it);
- ``run``: hub and devices on the embedded broker; ``campaign``: a whole run, with progress;
- ``report`` (JSON) and ``page`` (HTML).
"""
