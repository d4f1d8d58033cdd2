"""``genie load``: a semantic load test of a running (or self-started) Genie Sim set-up.

``schedule`` fixes the open-loop plan in advance, ``sentences`` says each command in its language, ``targets``
turns the hub's directory into devices to drive, ``run`` sends the plan and times every answer, ``report``
sums it up and ``charts`` draws it (docs/load.md).
"""
