"""Pure rendering: numpy arrays in, rich Text / str out, exactly the size asked for. Nothing here knows
about Textual."""
