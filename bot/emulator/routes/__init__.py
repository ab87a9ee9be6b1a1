"""The REST handlers of the emulated Discord API, one module per resource.

``base`` (JSON answers, request helpers, the :class:`~.base.Resource` every group of
routes extends), ``pipeline`` (the middleware: parse, record, authenticate, faults),
``compose`` (building and editing messages), then the resources: ``users`` (users,
DMs, gateway, application), ``commands``, ``interactions`` (callback and webhooks),
``channels``, ``messages``, ``threads``, ``reactions``, ``guilds``, ``members`` and
``events`` (scheduled events).  :class:`bot.emulator.rest.RestApi` installs them all.
"""
