"""The dashboard: a live web page of the home and the conversation, and the hub's HTTP API.

It runs as one more task in the hub's event loop and reads the hub's service API only (the directory
and its listeners, the message taps, ``handle_text``, the command log), never MQTT directly.

- ``serve_dashboard(hub, host, port, token=..., brands=...)``: async context manager serving it;
- ``Dashboard``: what it yields (``url`` is the address to open);
- ``DashboardError``: it cannot be served as asked (non-loopback without a token, port in use…);
- ``new_token()``: a fresh access token for serving beyond loopback;
- ``HomeLinks``: the homes one process serves and their dashboards, for the page's home switcher.

docs/dashboard.md describes the page, the API and the access rules.
"""

from hub.web.access import DashboardError, is_loopback, new_token
from hub.web.api import HomeLinks
from hub.web.brands import BrandRegistry
from hub.web.server import DEFAULT_PORT, Dashboard, serve_dashboard

__all__ = ["DEFAULT_PORT", "BrandRegistry", "Dashboard", "DashboardError", "HomeLinks", "is_loopback", "new_token",
           "serve_dashboard"]
