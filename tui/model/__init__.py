"""A logdir in memory, read as TensorBoard reads it: runs, tags, every point, graphs and payloads.

Above ``tui.tfevents`` (which turns bytes into values) and below the views: no drawing and no Textual
here, so the CLI and the app share one reading of a logdir.
"""
