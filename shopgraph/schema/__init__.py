"""Strawberry GraphQL schemas and their HTTP door."""
