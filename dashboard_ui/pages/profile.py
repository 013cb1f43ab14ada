"""Profile & Connection (Account): who is logged in to Upstox, until when, in which mode;
log in with one click, log out; the market feed's health.

The one-click login asks the API for an Upstox dialog URL whose callback comes
back to this page (``/profile?login=ok``); in sandbox mode the sandbox signs
its demo user in without typing.
"""

from __future__ import annotations

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiError, ApiProblem
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.formatting import age, ist_time
from dashboard_ui.header import TOKEN_STATES
from dashboard_ui.layout import Chrome
from dashboard_ui.panels import Panel, facts, state_dot
from dashboard_ui.page_registry import PageSpec
from scripts.api_schemas.account import Profile
from scripts.api_schemas.auth import SessionStatus
from scripts.api_schemas.feed import FeedHealth


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = ProfileView(ctx)
    outcome = ui.context.client.request.query_params.get("login")  # back from Upstox
    if outcome == "ok":
        ui.notify("Logged in to Upstox.", type="positive")
    elif outcome == "cancelled":
        ui.notify(
            "The Upstox login was cancelled at Upstox: you are not logged in. "
            "Press Log in to Upstox to try again.",
            type="warning",
        )
    refresh.Poller("profile", view.load, view.show_problem, refresh.PAGE_REFRESH_SECONDS)


PAGE = PageSpec(
    path="/profile",
    title="Profile & Connection",
    group="Account",
    icon="account_circle",
    order=24,
    build=build,
)


class ProfileView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
            self.session = Panel("Upstox session", "vpn_key", "panel-session")
            self.profile = Panel("Profile", "badge", "panel-profile")
            self.feed = Panel("Market feed", "sensors", "panel-feed")
        # Built once, outside the panels, and its confirm button does the work: the panels are
        # redrawn by the poller, and a handler awaiting a dialog from a redrawn button dies.
        with ui.dialog() as self.logout_dialog, ui.card():
            ui.label("Log out of Upstox? Orders and live data stop until you log in again.")
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=self.logout_dialog.close).props("flat")
                ui.button("Log out", color="negative", on_click=self.log_out).mark("confirm-logout")

    async def load(self) -> None:
        session = await self.ctx.api.auth_status()
        self.session.show(self.render_session, session)
        if session.logged_in:
            self.profile.show(render_profile, await self.ctx.api.profile())
        else:
            self.profile.show(render_no_profile, session)
        self.feed.show(render_feed, await self.ctx.api.feed_health())

    def show_problem(self, problem: ApiProblem) -> None:
        for panel in (self.session, self.profile, self.feed):
            panel.show_problem(problem)

    def render_session(self, session: SessionStatus) -> None:
        words, _ = TOKEN_STATES.get(session.state, (session.state, "grey"))
        state_dot(session.logged_in, words.capitalize())
        facts(
            [
                ("Mode", f"{session.mode_label} ({session.mode})"),
                ("User", session.user_name or session.user_id or "—"),
                ("Valid until", session.expires_at_ist or "—"),
                ("Logged in at", ist_time(session.issued_at)),
            ],
            marker_prefix="session",
        )
        if session.reason and not session.logged_in:
            ui.label(session.reason).classes("text-sm text-grey-8").mark("session-reason")
        with ui.row().classes("gap-2 q-mt-sm"):
            label = "Log in again" if session.state in ("expired", "revoked") else "Log in"
            if not session.logged_in:
                ui.button(f"{label} to Upstox", icon="login", on_click=self.log_in).mark(
                    "upstox-login"
                )
            else:
                ui.button(
                    "Log out", icon="logout", color="negative", on_click=self.logout_dialog.open
                ).props("outline").mark("upstox-logout")

    async def log_in(self) -> None:
        try:
            started = await self.ctx.api.begin_login("dashboard")
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative", multi_line=True)
            return
        ui.navigate.to(started.login_url)

    async def log_out(self) -> None:
        self.logout_dialog.close()
        try:
            result = await self.ctx.api.logout()
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative")
            return
        ui.notify(f"Logged out ({result.detail}).")
        await self.load()


def render_profile(profile: Profile) -> None:
    facts(
        [
            ("User id", profile.user_id),
            ("Name", profile.user_name or "—"),
            ("Email", profile.email or "—"),
            ("Broker", profile.broker or "—"),
            ("Exchanges", ", ".join(profile.exchanges) or "—"),
            ("Products", ", ".join(profile.products) or "—"),
            ("Order types", ", ".join(profile.order_types) or "—"),
            ("POA / DDPI", f"{_yes(profile.poa)} / {_yes(profile.ddpi)}"),
            ("Account active", _yes(profile.is_active)),
        ],
        marker_prefix="profile",
    )


def render_no_profile(session: SessionStatus) -> None:
    ui.label("Log in to Upstox to see your profile.").classes("text-grey-8").mark("no-profile")


def render_feed(feed: FeedHealth) -> None:
    state_dot(feed.connected if feed.state != "stopped" else None, f"Feed {feed.state}")
    subscriptions = feed.subscriptions
    facts(
        [
            ("Last tick", age(feed.last_tick_age_s) if feed.last_tick_age_s is not None else "—"),
            ("Reconnects", str(feed.reconnect_count)),
            ("Subscribed", ", ".join(f"{m}: {n}" for m, n in subscriptions.items()) or "nothing"),
        ],
        marker_prefix="feed",
    )
    if feed.last_error:
        ui.label(feed.last_error).classes("text-sm text-negative")
    if feed.state in ("stopped", "unreachable"):  # unreachable: the feed process is down
        ui.label(feed.detail or "").classes("text-sm text-grey-7")


def _yes(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


__all__ = ["PAGE", "ApiError"]
