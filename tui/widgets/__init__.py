"""Textual widgets of tbtui: one widget per module; the tabs' panes subclass :class:`tui.widgets.pane.Pane`.

The app (tui/app.py) lists the tabs and composes them; the protocol between a pane and the app (a
context in, messages out) is described in tui/widgets/pane.py. Each widget carries its own styles in
``DEFAULT_CSS``; the app's layout is in tui/tbtui.tcss.
"""
