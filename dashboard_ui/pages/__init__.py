"""Dashboard pages, one module each.

A sidebar page is a module here that defines ``async def build(ctx, chrome)``
and ``PAGE = PageSpec(path, title, group, icon, order, build)`` (see
``dashboard_ui/page_registry.py``); it is found, routed behind the login and listed
in the sidebar without editing any other file. ``build`` draws only the body:
the header, sidebar, heading and tab title are drawn around it from ``PAGE``.
Subscribe to the header's status poll with ``chrome.on_status`` and fetch data
only through ``ctx.api``.
"""
