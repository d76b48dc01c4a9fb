"""Loopback fakes of the services shopgraph talks to, run as real HTTP servers on 127.0.0.1."""
