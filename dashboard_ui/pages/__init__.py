"""Dashboard pages, one module each.

A sidebar page is a module here that defines ``async def build(ctx)`` and
``PAGE = PageSpec(path, title, group, icon, order, build)`` (see
``dashboard_ui/registry.py``); it is found, routed behind the login and listed
in the sidebar without editing any other file. Inside ``build``, draw the page
with ``with frame(ctx, title, PAGE.path) as chrome:`` and fetch data only
through ``ctx.api``.
"""
