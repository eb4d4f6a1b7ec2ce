"""View state and rules, without Textual: what the screens show, decided once for the app and the CLI.

Between the model (what the logs hold) and render (how text looks): the x-axis rule every chart follows,
run and tag selection, and caches of derived data. Nothing here draws or imports Textual.
"""
