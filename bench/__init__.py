"""shopgraph's load benchmark: every figure side by side with a bare Starlette ceiling (see README.md here)."""
