"""A minimal Streamlit client: one session over the app's own WebSocket protocol, no browser.

It does what the browser's front end does on the wire: sends a ``rerun_script`` message with the
widget values and waits for the run to finish, collecting the elements the script drew. A load
test with it costs the client almost nothing, so what it measures is the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass
class Page:
    """What one run drew: widgets by their key (or label), texts of messages, exceptions."""

    widgets: dict[str, Any] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def has_text(self, fragment: str) -> bool:
        return any(fragment in t for t in self.texts)


def _widget_name(widget: Any) -> str:
    """A widget's user key when it has one (ids end in "-<key>"), else its label."""
    wid = widget.id
    return wid.rsplit("-", 1)[-1] if "-" in wid and not wid.endswith("None") else widget.label


class Session:
    """One analyst's connection. ``await Session.open(base)``, then ``await s.run(...)``."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.values: dict[str, WidgetState] = {}  # widget id -> its value, sent on every run
        self.page = Page()

    @classmethod
    async def open(cls, base: str) -> Session:
        url = base.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=2**26)
        return cls(ws)

    async def close(self) -> None:
        await self.ws.close()

    def _id(self, name: str) -> str:
        widget = self.page.widgets.get(name)
        if widget is None:
            raise KeyError(f"no widget {name!r} on the page; there are {sorted(self.page.widgets)}")
        return widget.id

    def set(self, name: str, **value: Any) -> None:
        """Give the widget ``name`` a lasting value, e.g. ``set("Your name", string_value="asha")``."""
        state = WidgetState(id=self._id(name), **value)
        self.values[state.id] = state

    def option(self, name: str, starts_with: str) -> str:
        """The first option of selectbox ``name`` that starts with ``starts_with``."""
        for o in self.page.widgets[name].options:
            if o.startswith(starts_with):
                return o
        raise KeyError(f"no option {starts_with!r} in {name!r}")

    async def run(self, click: str | None = None) -> Page:
        """Rerun the script (clicking the button ``click`` once) and return what it drew."""
        states = list(self.values.values())
        if click:
            states.append(WidgetState(id=self._id(click), trigger_value=True))
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.widget_states.widgets.extend(states)
        await self.ws.send(msg.SerializeToString())
        page = Page()
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._collect(fwd.delta.new_element, page)
            elif kind == "script_finished" and fwd.script_finished in FINISHED:
                break
        self.page = page
        live = {w.id for w in page.widgets.values()}
        self.values = {k: v for k, v in self.values.items() if k in live}
        return page

    @staticmethod
    def _collect(element: Any, page: Page) -> None:
        kind = element.WhichOneof("type")
        inner = getattr(element, kind) if kind else None
        if kind == "exception":
            page.exceptions.append(f"{inner.type}: {inner.message}")
        elif kind in ("alert", "markdown", "toast"):
            page.texts.append(inner.body)
        elif inner is not None and hasattr(inner, "id") and hasattr(inner, "label"):
            page.widgets[_widget_name(inner)] = inner
