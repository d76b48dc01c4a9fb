"""The REST compatibility layer for the Aerostack and Aerocall path families."""
