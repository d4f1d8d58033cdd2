"""The ``genie`` subcommands, one module per command group.

Each module's ``register(sub)`` adds its parsers and sets ``handler`` on each leaf to the coroutine that
runs it. Modules import the hub and the devices inside their handlers only: ``genie --help`` stays fast.
"""
