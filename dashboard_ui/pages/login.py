"""The login page: user name and password, checked against the hash from ``.env``.

Not a sidebar page (it has no ``PAGE``): it is the one page the login
middleware lets through, registered by :func:`register_login_page`.
"""

from __future__ import annotations

from nicegui import app, ui
from starlette.responses import RedirectResponse

from dashboard_ui.login_guard import LOGIN_PATH, LoginGate, is_logged_in, safe_redirect_target
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.header import ModeBadge


def register_login_page(ctx: DashboardContext) -> None:
    gate = LoginGate(ctx.settings)

    @ui.page(LOGIN_PATH, title="Log in · Upstox Trading Platform")
    def login_page(redirect_to: str = "/") -> RedirectResponse | None:
        target = safe_redirect_target(redirect_to)
        if is_logged_in(app.storage.user):
            return RedirectResponse(target)
        LoginForm(ctx, gate, target)
        return None


class LoginForm:
    """The card with the two fields; Enter in either field submits."""

    def __init__(self, ctx: DashboardContext, gate: LoginGate, target: str) -> None:
        self.gate = gate
        self.target = target
        mode = ctx.settings.mode_label
        ui.query("body").classes("bg-blue-grey-1")
        with ui.column().classes("absolute-center items-center gap-4"):
            ui.label("Upstox Trading Platform").classes("text-h5 text-weight-medium")
            with ui.card().classes("q-pa-lg").style("width: 340px").mark("login-card"):
                with ui.row().classes("w-full items-center justify-between"):
                    ui.label("Log in").classes("text-h6")
                    ModeBadge(mode)
                self.username = ui.input("User name").props("outlined autofocus")
                self.username.classes("w-full").mark("username")
                self.password = ui.input("Password", password=True, password_toggle_button=True)
                self.password.props("outlined").classes("w-full").mark("password")
                self.message = ui.label("").classes("text-negative text-sm").mark("login-error")
                self.message.set_visibility(False)
                self.button = ui.button("Log in", on_click=self.submit).classes("w-full")
                self.button.mark("log-in")
            ui.label(
                "Forgot the password? Set a new one with "
                ".venv/bin/python -m scripts.config.passwords"
            ).classes("text-caption text-grey-7")
        self.username.on("keydown.enter", self.submit)
        self.password.on("keydown.enter", self.submit)

    async def submit(self) -> None:
        self.button.disable()
        try:
            result = await self.gate.log_in(
                app.storage.user, str(self.username.value or "").strip(), self.password.value or ""
            )
        finally:
            self.button.enable()
        if result.ok:
            ui.navigate.to(self.target)
            return
        self.password.set_value("")
        self.message.set_text(result.message)
        self.message.set_visibility(True)
