"""Pure rules about text people type: the secret detector and what a submission may contain.

No I/O and no imports from the rest of ``bot``, so every layer (store, keys, ui, listeners,
the command line) can apply the same definitions.
"""
